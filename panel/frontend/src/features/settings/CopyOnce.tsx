import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import { Alert, IconButton, Stack, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';

/** A value the server shows exactly once (a new token), with a copy button. */
export function CopyOnce({ value, what }: { value: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Alert severity="success" sx={{ my: 2 }}>
      <Typography variant="body2">Your new {what}. Copy it now: it is not shown again.</Typography>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography
          component="code"
          data-testid="new-token"
          sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
        >
          {value}
        </Typography>
        <Tooltip title={copied ? 'Copied' : 'Copy'}>
          <IconButton
            aria-label={`Copy the ${what}`}
            onClick={async () => {
              await navigator.clipboard.writeText(value);
              setCopied(true);
            }}
          >
            <ContentCopyIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Stack>
    </Alert>
  );
}
