import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControl,
  InputLabel,
  Link,
  MenuItem,
  Paper,
  Select,
  Skeleton,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { useMemo, useState } from 'react';
import { Link as RouterLink, useNavigate, useSearchParams } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../app/store';
import { commitToast } from '../../app/uiSlice';
import { ReviewDialog } from '../../shared/editor/ReviewDialog';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { FileLineLink } from '../../shared/FileLineLink';
import { collectionLink, fileLink } from '../../shared/links';
import { hasRole } from '../auth/authSlice';
import { useCollectionsQuery, useCreateCollectionMutation, useLibraryIndexQuery } from './collectionsApi';
import { filterCollections, type CollectionFilters } from './filterCollections';
import { builderOf } from './form';

const KEYS = ['q', 'file', 'library', 'builder'] as const;
const STARTER = 'plex_search:\n  all:\n    genre: Action\nsummary: \nsync_mode: sync\n';

function FilterSelect({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  onChange: (value: string) => void;
}) {
  const id = `filter-${label.toLowerCase()}`;
  return (
    <FormControl size="small" sx={{ minWidth: 170 }}>
      <InputLabel id={id}>{label}</InputLabel>
      <Select labelId={id} label={label} value={value} onChange={(e) => onChange(String(e.target.value))}>
        <MenuItem value="">
          <em>Any</em>
        </MenuItem>
        {options.map((o) => (
          <MenuItem key={o} value={o}>
            {o}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

/** Asks for the file and name of a new collection, then reviews and commits it. */
function NewCollection({ files, commit, onClose }: { files: string[]; commit: string; onClose: () => void }) {
  const [file, setFile] = useState(files[0] ?? 'collections/new.yml');
  const [name, setName] = useState('');
  const [reviewing, setReviewing] = useState(false);
  const [create, { isLoading }] = useCreateCollectionMutation();
  const navigate = useNavigate();
  const dispatch = useAppDispatch();
  if (reviewing) {
    return (
      <ReviewDialog
        path={file}
        subject={`a new collection ${name} in ${file}`}
        wholeFile={false}
        base={commit}
        committed=""
        draft={STARTER}
        save={(args) => create({ file, name, yaml: args.content, base: args.base, message: args.message })}
        saving={isLoading}
        defaultMessage={`Add collection ${name}`}
        onClose={onClose}
        onCommitted={(c) => {
          dispatch(commitToast(c));
          navigate(collectionLink(file, name));
        }}
        onProblems={() => undefined}
        onOpenProblem={(p) => p.file && navigate(fileLink(p.file, p.line))}
      />
    );
  }
  return (
    <Dialog open onClose={onClose} aria-labelledby="new-collection-title">
      <DialogTitle id="new-collection-title">New collection</DialogTitle>
      <DialogContent>
        <TextField
          label="File"
          value={file}
          onChange={(e) => setFile(e.target.value)}
          fullWidth
          margin="normal"
          helperText="A YAML file of the repository; a new path creates the file"
          slotProps={{ htmlInput: { list: 'collection-files' } }}
        />
        <datalist id="collection-files">
          {files.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          fullWidth
          margin="normal"
          required
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          disabled={!name.trim() || !/\.ya?ml$/i.test(file)}
          onClick={() => setReviewing(true)}
        >
          Review
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** Every collection across the repository's files, with a search and filters kept in the URL. */
export default function CollectionsPage() {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(
    KEYS.map((k) => [k, params.get(k) ?? '']),
  ) as unknown as CollectionFilters;
  const { data, error, isLoading } = useCollectionsQuery();
  const { data: index } = useLibraryIndexQuery();
  const user = useAppSelector((state) => state.auth.user);
  const [creating, setCreating] = useState(false);
  const items = useMemo(() => data?.items ?? [], [data]);
  const files = useMemo(() => [...new Set(items.map((i) => i.file))].sort(), [items]);
  const builders = useMemo(
    () => [...new Set(items.map((i) => builderOf(i.definition)).filter((b): b is string => !!b))].sort(),
    [items],
  );
  const shown = filterCollections(items, filters, index);
  const set = (key: keyof CollectionFilters) => (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  return (
    <Box>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 2 }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          Collections
        </Typography>
        {hasRole(user, 'editor') && data && (
          <Button variant="contained" onClick={() => setCreating(true)}>
            New collection
          </Button>
        )}
      </Stack>
      <Stack direction="row" spacing={1} sx={{ mb: 2, flexWrap: 'wrap', rowGap: 1 }}>
        <TextField size="small" label="Search" value={filters.q} onChange={(e) => set('q')(e.target.value)} />
        <FilterSelect label="File" value={filters.file} options={files} onChange={set('file')} />
        <FilterSelect
          label="Library"
          value={filters.library}
          options={index?.libraries.map((l) => l.name) ?? []}
          onChange={set('library')}
        />
        <FilterSelect label="Builder" value={filters.builder} options={builders} onChange={set('builder')} />
      </Stack>
      <ErrorAlert error={error} what="the collections" />
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Collections">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>File</TableCell>
              <TableCell>Builder</TableCell>
              <TableCell>Libraries</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {isLoading &&
              [0, 1, 2].map((row) => (
                <TableRow key={row}>
                  <TableCell colSpan={4}>
                    <Skeleton />
                  </TableCell>
                </TableRow>
              ))}
            {shown.map((item) => (
              <TableRow key={item.id} hover>
                <TableCell>
                  <Link component={RouterLink} to={collectionLink(item.file, item.name)}>
                    {item.name}
                  </Link>
                </TableCell>
                <TableCell>
                  <FileLineLink file={item.file} line={item.line} />
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace' }}>{builderOf(item.definition) ?? '—'}</TableCell>
                <TableCell>{(index?.byId[item.id] ?? []).join(', ') || '—'}</TableCell>
              </TableRow>
            ))}
            {data && shown.length === 0 && (
              <TableRow>
                <TableCell colSpan={4}>
                  {items.length === 0
                    ? 'No collections yet: add one with New collection, or under collections: in a file.'
                    : 'No collection matches these filters.'}
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
      {creating && data && (
        <NewCollection files={files} commit={data.commit} onClose={() => setCreating(false)} />
      )}
    </Box>
  );
}
