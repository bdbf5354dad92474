import { Chip, Stack, Tooltip } from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import { shortSha } from '../../shared/time';
import { useSystemStatusQuery } from './systemApi';

/** Plex, Redis and the git head, each a chip with text (colour is never the only signal). */
export function StatusChips() {
  const { data, isError } = useSystemStatusQuery(undefined, { pollingInterval: 30_000 });
  if (isError) return <Chip size="small" color="error" label="Status unavailable" />;
  if (!data) return null;
  const plexUp = Boolean(data.plex.reachable);
  const redisUp = Boolean(data.redis.reachable);
  return (
    <Stack
      direction="row"
      spacing={1}
      sx={{ display: { xs: 'none', sm: 'flex' } }}
      aria-label="System status"
    >
      <Tooltip
        describeChild
        title={plexUp ? (data.plex.friendly_name ?? 'Plex') : (data.plex.error ?? 'unreachable')}
      >
        <Chip size="small" color={plexUp ? 'success' : 'error'} label={plexUp ? 'Plex up' : 'Plex down'} />
      </Tooltip>
      <Tooltip describeChild title={redisUp ? 'Redis answers' : (data.redis.error ?? 'unreachable')}>
        <Chip
          size="small"
          color={redisUp ? 'success' : 'warning'}
          label={redisUp ? 'Redis up' : 'Redis down'}
        />
      </Tooltip>
      <Tooltip describeChild title={`main at ${data.git.head ?? 'no commit'}`}>
        <Chip
          size="small"
          variant="outlined"
          component={RouterLink}
          to={data.git.head ? `/history/${data.git.head}` : '/history'}
          clickable
          label={`main ${shortSha(data.git.head)}`}
          sx={{ fontFamily: 'monospace', color: 'inherit' }}
        />
      </Tooltip>
    </Stack>
  );
}
