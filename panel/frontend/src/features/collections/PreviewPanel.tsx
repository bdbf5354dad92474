import {
  Alert,
  Box,
  Chip,
  FormControl,
  InputLabel,
  LinearProgress,
  MenuItem,
  Paper,
  Select,
  Stack,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { describeFailure, toFailure } from '../../shared/api/errors';
import { usePreviewCollectionQuery } from './collectionsApi';
import { Poster } from './Poster';

/** `value` once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

interface Props {
  yaml: string;
  file: string;
  name: string;
  libraries: string[];
}

/** The items the definition being edited would hold, computed by the engine against Plex (no writes),
 * as the user types. */
export function PreviewPanel({ yaml, file, name, libraries }: Props) {
  const [library, setLibrary] = useState<string>('');
  const chosen = library || libraries[0] || '';
  const settled = useDebounced(yaml, 500);
  const { data, error, isFetching } = usePreviewCollectionQuery(
    { library: chosen, yaml: settled, file, name },
    { skip: !chosen || !settled.trim() },
  );
  const errors = data?.problems.filter((p) => p.severity === 'error') ?? [];
  return (
    <Paper variant="outlined" sx={{ p: 2 }} component="section" aria-label="Preview">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          Preview
        </Typography>
        <FormControl size="small" sx={{ minWidth: 160 }}>
          <InputLabel id="preview-library">Library</InputLabel>
          <Select
            labelId="preview-library"
            label="Library"
            value={chosen}
            onChange={(e) => setLibrary(String(e.target.value))}
          >
            {libraries.map((l) => (
              <MenuItem key={l} value={l}>
                {l}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      </Stack>
      {isFetching && <LinearProgress aria-label="Computing the preview" sx={{ mb: 1 }} />}
      {!chosen && <Alert severity="info">No library in config.yml to preview against.</Alert>}
      {error && <Alert severity="error">Could not preview: {describeFailure(toFailure(error))}</Alert>}
      {errors.map((p) => (
        <Alert key={`${p.line}:${p.column}:${p.message}`} severity="error" sx={{ mb: 1 }}>
          {p.line ? `Line ${p.line}: ` : ''}
          {p.message}
        </Alert>
      ))}
      {data && (
        <>
          <Stack direction="row" spacing={1} sx={{ mb: 1, flexWrap: 'wrap' }}>
            <Chip size="small" label={`${data.total} item${data.total === 1 ? '' : 's'}`} />
            {data.filtered_out > 0 && <Chip size="small" label={`${data.filtered_out} filtered out`} />}
            {data.smart && <Chip size="small" label="Smart collection" />}
          </Stack>
          <Box
            component="ol"
            aria-label="Preview items"
            sx={{
              listStyle: 'none',
              p: 0,
              m: 0,
              display: 'grid',
              gap: 1.5,
              gridTemplateColumns: 'repeat(auto-fill, minmax(96px, 1fr))',
            }}
          >
            {data.items.map((item) => (
              <li key={item.rating_key} data-rating-key={item.rating_key}>
                <Poster src={item.poster} alt={`Poster of ${item.title}`} width={96} />
                <Typography variant="caption" component="div" sx={{ lineHeight: 1.2, mt: 0.5 }}>
                  {item.title}
                  {item.year ? ` (${item.year})` : ''}
                </Typography>
              </li>
            ))}
          </Box>
          {data.total > data.items.length && (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              The first {data.items.length} of {data.total}.
            </Typography>
          )}
        </>
      )}
    </Paper>
  );
}
