import {
  Alert,
  Box,
  Chip,
  Link,
  Paper,
  Skeleton,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { Link as RouterLink } from 'react-router-dom';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { useLibrariesQuery } from '../system/systemApi';
import { FileLineLink } from '../../shared/FileLineLink';
import { libraryLink } from '../../shared/links';

/** Every library: its Plex side (type, items, collections) beside its config side (where config.yml
 * names it, what its files define). */
export default function LibrariesPage() {
  const { data, error, isLoading } = useLibrariesQuery();
  const configPath = data?.config.path ?? 'config.yml';
  return (
    <Box>
      <Typography variant="h4" component="h1" gutterBottom>
        Libraries
      </Typography>
      <ErrorAlert error={error} what="the libraries" />
      {data && !data.plex.reachable && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Plex does not answer ({data.plex.error ?? 'unknown error'}): only the config side is shown.
        </Alert>
      )}
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Libraries">
          <TableHead>
            <TableRow>
              <TableCell>Library</TableCell>
              <TableCell>Type</TableCell>
              <TableCell align="right">Items in Plex</TableCell>
              <TableCell align="right">Collections in Plex</TableCell>
              <TableCell align="right">Collections in config</TableCell>
              <TableCell align="right">Dynamic</TableCell>
              <TableCell align="right">Overlays</TableCell>
              <TableCell>In config</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {isLoading &&
              [0, 1].map((row) => (
                <TableRow key={row}>
                  <TableCell colSpan={8}>
                    <Skeleton />
                  </TableCell>
                </TableRow>
              ))}
            {data?.items.map((library) => {
              const to = libraryLink(library);
              const sum = (key: 'collections' | 'dynamic_collections' | 'overlays') =>
                library.config.reduce((total, use) => total + use[key], 0);
              return (
                <TableRow key={`${library.id}-${library.title}`} hover>
                  <TableCell>
                    {to ? (
                      <Link component={RouterLink} to={to}>
                        {library.title}
                      </Link>
                    ) : (
                      library.title
                    )}{' '}
                    {library.in_plex === false && <Chip size="small" color="warning" label="Not in Plex" />}
                  </TableCell>
                  <TableCell>{library.type ?? '—'}</TableCell>
                  <TableCell align="right">{library.item_count ?? '—'}</TableCell>
                  <TableCell align="right">{library.collection_count ?? '—'}</TableCell>
                  <TableCell align="right">{sum('collections')}</TableCell>
                  <TableCell align="right">{sum('dynamic_collections')}</TableCell>
                  <TableCell align="right">{sum('overlays')}</TableCell>
                  <TableCell>
                    {library.config.length === 0
                      ? 'Not in config'
                      : library.config.map((use) => (
                          <FileLineLink key={use.name} file={configPath} line={use.line} sx={{ mr: 1 }} />
                        ))}
                  </TableCell>
                </TableRow>
              );
            })}
            {data && data.items.length === 0 && (
              <TableRow>
                <TableCell colSpan={8}>
                  No libraries yet: add one under <code>libraries:</code> in {configPath}.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
    </Box>
  );
}
