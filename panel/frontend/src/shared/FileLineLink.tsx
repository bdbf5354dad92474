import { Link } from '@mui/material';
import type { SxProps, Theme } from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import { fileLink } from './links';

/** `file:line` in monospace, linking to that line in the Files editor. */
export function FileLineLink({
  file,
  line,
  sx,
}: {
  file: string;
  line?: number | null;
  sx?: SxProps<Theme>;
}) {
  return (
    <Link
      component={RouterLink}
      to={fileLink(file, line)}
      sx={[{ fontFamily: 'monospace' }, ...(Array.isArray(sx) ? sx : [sx])]}
    >
      {file}:{line}
    </Link>
  );
}
