import {
  Alert,
  Box,
  Button,
  Chip,
  Link,
  Paper,
  Skeleton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { Link as RouterLink, useParams } from 'react-router-dom';
import type { ConfigEntry, PlexCollection } from '../../shared/api/models';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { FileLineLink } from '../../shared/FileLineLink';
import { collectionLink } from '../../shared/links';
import { useLibraryQuery } from './librariesApi';

/** Where an entry is defined: a link into the Files editor for repository files, plain text for
 * Kometa's built-in defaults (they are not in the repository). */
function Place({ entry }: { entry: ConfigEntry }) {
  if (entry.source !== 'repo') {
    return (
      <Typography component="span" variant="body2" sx={{ fontFamily: 'monospace' }}>
        {entry.file}:{entry.line} ({entry.source})
      </Typography>
    );
  }
  return <FileLineLink file={entry.file} line={entry.line} />;
}

function InPlex({ yes }: { yes: boolean }) {
  return (
    <Chip
      size="small"
      variant="outlined"
      color={yes ? 'success' : 'default'}
      label={yes ? 'In Plex' : 'Not in Plex yet'}
    />
  );
}

function PlexCollections({ rows, title }: { rows: PlexCollection[]; title: string }) {
  return (
    <TableContainer component={Paper} variant="outlined" sx={{ mb: 3 }}>
      <Table size="small" aria-label={title}>
        <TableHead>
          <TableRow>
            <TableCell>Collection</TableCell>
            <TableCell align="right">Items</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell>Why</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((c) => (
            <TableRow key={c.rating_key}>
              <TableCell>{c.title}</TableCell>
              <TableCell align="right">{c.child_count ?? '—'}</TableCell>
              <TableCell>{c.smart ? 'Smart' : 'Regular'}</TableCell>
              <TableCell>
                {c.in_config && <Chip size="small" label="In the config" sx={{ mr: 0.5 }} />}
                {c.kometa_label && <Chip size="small" label="Kometa label" sx={{ mr: 0.5 }} />}
                {!c.managed && 'Made in Plex, not by the config'}
              </TableCell>
            </TableRow>
          ))}
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={4}>None.</TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function ConfigEntries({ rows, title, dynamic }: { rows: ConfigEntry[]; title: string; dynamic?: boolean }) {
  return (
    <TableContainer component={Paper} variant="outlined" sx={{ mb: 3 }}>
      <Table size="small" aria-label={title}>
        <TableHead>
          <TableRow>
            <TableCell>Name</TableCell>
            <TableCell>Defined at</TableCell>
            <TableCell>{dynamic ? 'Builds' : 'Plex'}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((entry) => (
            <TableRow key={`${entry.file}:${entry.line}:${entry.name}`}>
              <TableCell>
                {entry.id ? (
                  <Link component={RouterLink} to={collectionLink(entry.file, entry.name)}>
                    {entry.name}
                  </Link>
                ) : (
                  entry.name
                )}
                {entry.templated && <Chip size="small" label="Templated" sx={{ ml: 1 }} />}
              </TableCell>
              <TableCell>
                <Place entry={entry} />
              </TableCell>
              <TableCell>
                {dynamic ? (
                  <Typography variant="body2">
                    {(entry.builds ?? []).map((b) => `${b.title}${b.in_plex ? ' ✓' : ''}`).join(', ') ||
                      'Nothing'}
                  </Typography>
                ) : (
                  <InPlex yes={entry.in_plex} />
                )}
              </TableCell>
            </TableRow>
          ))}
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={3}>None.</TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/** One library: Plex's collections (managed beside unmanaged) and the config entries targeting it. */
export default function LibraryPage() {
  const ident = useParams().name ?? '';
  const { data, error, isLoading, isFetching, refetch } = useLibraryQuery({ ident });
  const plex = data?.plex_collections ?? null;
  const managed = plex?.filter((c) => c.managed) ?? [];
  const unmanaged = plex?.filter((c) => !c.managed) ?? [];
  const configPath = data?.config.path ?? 'config.yml';
  return (
    <Box>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 2, flexWrap: 'wrap' }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          {data?.title ?? ident}
        </Typography>
        {data && (
          <Chip
            label={data.in_plex ? 'In Plex' : 'Not in Plex'}
            color={data.in_plex ? 'success' : 'warning'}
          />
        )}
        <Button variant="outlined" onClick={() => void refetch()} aria-busy={isFetching}>
          {isFetching ? 'Reloading…' : 'Reload'}
        </Button>
      </Stack>
      <ErrorAlert error={error} what={`library ${ident}`} />
      {isLoading && <Skeleton variant="rectangular" height={160} />}
      {data && (
        <>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {data.type ?? 'type unknown'} · {data.item_count ?? '—'} items in Plex · in {configPath} at{' '}
            {data.libraries.map((use) => (
              <FileLineLink key={use.name} file={configPath} line={use.line} sx={{ mr: 1 }} />
            ))}
          </Typography>
          {plex === null ? (
            <Alert severity="warning" sx={{ mb: 2 }}>
              Plex&apos;s collections are unknown: {data.plex.error ?? 'the library is not in Plex'}.
            </Alert>
          ) : (
            <>
              <Typography variant="h6" component="h2">
                Managed collections in Plex ({managed.length})
              </Typography>
              <PlexCollections rows={managed} title="Managed collections in Plex" />
              <Typography variant="h6" component="h2">
                Unmanaged collections in Plex ({unmanaged.length})
              </Typography>
              <PlexCollections rows={unmanaged} title="Unmanaged collections in Plex" />
            </>
          )}
          <Typography variant="h6" component="h2">
            Collections in the config ({data.collections.length})
          </Typography>
          <ConfigEntries rows={data.collections} title="Collections in the config" />
          <Typography variant="h6" component="h2">
            Dynamic collections ({data.dynamic_collections.length})
          </Typography>
          <ConfigEntries rows={data.dynamic_collections} title="Dynamic collections" dynamic />
          <Typography variant="h6" component="h2">
            Overlays ({data.overlays.length})
          </Typography>
          <ConfigEntries rows={data.overlays} title="Overlays" />
        </>
      )}
    </Box>
  );
}
