import { Alert, Button, Card, CardContent, Grid, Skeleton, Stack, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { shortSha } from '../../shared/time';
import { useLibrariesQuery, useSystemStatusQuery } from '../system/systemApi';
import { LibraryCard } from './LibraryCard';

function formatBytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

function SystemCard() {
  const { data, error } = useSystemStatusQuery();
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          System
        </Typography>
        <ErrorAlert error={error} what="the system status" />
        {data ? (
          <Stack spacing={0.5}>
            <Typography variant="body2">
              Plex:{' '}
              {data.plex.reachable
                ? `reachable (${data.plex.friendly_name ?? data.plex.url})`
                : `not reachable — ${data.plex.error ?? 'unknown'}`}
            </Typography>
            <Typography variant="body2">
              Redis: {data.redis.reachable ? 'reachable' : `not reachable — ${data.redis.error ?? 'unknown'}`}
            </Typography>
            <Typography variant="body2">
              Config: main at <code>{shortSha(data.git.head)}</code>
            </Typography>
            <Typography variant="body2">
              Disk: {formatBytes(data.disk.free_bytes)} free of {formatBytes(data.disk.total_bytes)}
            </Typography>
            <Typography variant="body2" color="text.secondary">
              Panel {data.version}
            </Typography>
          </Stack>
        ) : (
          !error && <Skeleton variant="rectangular" height={96} />
        )}
      </CardContent>
    </Card>
  );
}

export function DashboardPage() {
  const { data, error, isLoading } = useLibrariesQuery();
  const configPath = data?.config.path ?? 'config.yml';
  return (
    <>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mb: 2, alignItems: { sm: 'center' } }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          Dashboard
        </Typography>
        <Button variant="contained" component={RouterLink} to={`/files/${configPath}`}>
          Edit the config
        </Button>
        <Button variant="outlined" component={RouterLink} to="/history">
          See what changed
        </Button>
      </Stack>
      <ErrorAlert error={error} what="the libraries" />
      {data?.plex.error && data.plex.reachable === false && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Plex is not reachable ({data.plex.error}); library figures come from the config only.
        </Alert>
      )}
      {data?.config.error && (
        <Alert severity="error" sx={{ mb: 2 }}>
          {data.config.path}: {data.config.error}
        </Alert>
      )}
      <Grid container spacing={2}>
        {isLoading &&
          [0, 1].map((key) => (
            <Grid key={key} size={{ xs: 12, sm: 6, lg: 4 }}>
              <Skeleton variant="rectangular" height={160} />
            </Grid>
          ))}
        {data?.items.map((library) => (
          <Grid key={library.title} size={{ xs: 12, sm: 6, lg: 4 }}>
            <LibraryCard library={library} configPath={configPath} />
          </Grid>
        ))}
        {data && data.items.length === 0 && (
          <Grid size={12}>
            <Alert severity="info">
              No libraries yet: add one under <code>libraries:</code> in {configPath}.
            </Alert>
          </Grid>
        )}
        <Grid size={{ xs: 12, lg: 4 }}>
          <SystemCard />
        </Grid>
      </Grid>
    </>
  );
}
