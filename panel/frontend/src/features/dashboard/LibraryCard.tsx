import { Card, CardActions, CardContent, Chip, Button, Link, Stack, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import type { Library } from '../../shared/api/models';
import { libraryLink } from '../../shared/links';

/** Managed = collections the config builds for this library; unmanaged = the rest Plex has. */
export function libraryFigures(library: Library) {
  const managed = library.config.reduce((sum, use) => sum + use.collections, 0);
  const errors = library.config.reduce((sum, use) => sum + use.errors, 0);
  const unmanaged =
    library.collection_count === null ? null : Math.max(library.collection_count - managed, 0);
  return { managed, errors, unmanaged };
}

export function LibraryCard({ library, configPath }: { library: Library; configPath: string }) {
  const { managed, errors, unmanaged } = libraryFigures(library);
  const line = library.config[0]?.line;
  const page = libraryLink(library);
  return (
    <Card variant="outlined" sx={{ height: '100%', display: 'flex', flexDirection: 'column' }}>
      <CardContent sx={{ flexGrow: 1 }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
            {page ? (
              <Link component={RouterLink} to={page} underline="hover" color="inherit">
                {library.title}
              </Link>
            ) : (
              library.title
            )}
          </Typography>
          {library.in_plex === false && <Chip size="small" color="warning" label="Not in Plex" />}
          {library.config.length === 0 && <Chip size="small" label="Not in config" />}
          {errors > 0 && <Chip size="small" color="error" label={`${errors} errors`} />}
        </Stack>
        <Typography variant="body2" color="text.secondary">
          {library.type ?? 'type unknown'}
        </Typography>
        <Stack component="dl" direction="row" spacing={3} sx={{ m: 0, mt: 1 }}>
          <Figure label="Items in Plex" value={library.item_count} />
          <Figure label="Managed collections" value={managed} />
          <Figure label="Unmanaged" value={unmanaged} />
        </Stack>
      </CardContent>
      {line !== undefined && (
        <CardActions>
          <Button size="small" component={RouterLink} to={`/files/${configPath}?line=${line}`}>
            Open in config
          </Button>
        </CardActions>
      )}
    </Card>
  );
}

function Figure({ label, value }: { label: string; value: number | null }) {
  return (
    <div>
      <Typography component="dt" variant="caption" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="h6" sx={{ m: 0 }}>
        {value ?? '—'}
      </Typography>
    </div>
  );
}
