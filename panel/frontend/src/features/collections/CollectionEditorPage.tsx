import { Alert, Box, Button, Chip, Grid, Paper, Skeleton, Stack, Tab, Tabs, Typography } from '@mui/material';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../app/store';
import { commitToast } from '../../app/uiSlice';
import { FileLineLink } from '../../shared/FileLineLink';
import type { Commit } from '../../shared/api/models';
import { YamlEditor } from '../../shared/editor/MonacoPanes';
import { ReviewDialog, type SaveArgs, type SaveOutcome } from '../../shared/editor/ReviewDialog';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { collectionLink, fileLink, parseCollectionSplat } from '../../shared/links';
import { shortSha } from '../../shared/time';
import { hasRole } from '../auth/authSlice';
import { CollectionForm } from './CollectionForm';
import {
  useCollectionQuery,
  useCreateCollectionMutation,
  useDeleteCollectionMutation,
  useLibraryIndexQuery,
  useSaveCollectionMutation,
  type CollectionObject,
} from './collectionsApi';
import { PreviewPanel } from './PreviewPanel';

type Review = 'save' | 'duplicate' | 'delete';

/** The editor's model path: outside the schema folders, as the text is one definition, not a file. */
function editorPath(file: string, name: string): string {
  return `_collection/${file}/${name.replace(/[^\w.-]+/g, '_')}.yml`;
}

function Editor({ entry }: { entry: CollectionObject }) {
  const user = useAppSelector((state) => state.auth.user);
  const canEdit = hasRole(user, 'editor');
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  const [text, setText] = useState(entry.yaml);
  const [tab, setTab] = useState<'form' | 'yaml'>('form');
  const [review, setReview] = useState<Review | null>(null);
  const { data: index } = useLibraryIndexQuery();
  const [saveCollection, saving] = useSaveCollectionMutation();
  const [createCollection, creating] = useCreateCollectionMutation();
  const [deleteCollection, deleting] = useDeleteCollectionMutation();

  const libraries = index?.byId[entry.id] ?? index?.libraries.map((l) => l.name) ?? [];
  const libraryType = index?.libraries.find((l) => l.name === libraries[0])?.type ?? null;
  const changed = text !== entry.yaml;
  const copyName = `${entry.name} (copy)`;

  function done(commit: Commit, to: string | null) {
    setReview(null);
    dispatch(commitToast(commit));
    if (to) navigate(to);
  }

  const save = (args: SaveArgs): Promise<SaveOutcome> => {
    if (review === 'delete')
      return deleteCollection({ id: entry.id, base: args.base, message: args.message });
    if (review === 'duplicate') {
      return createCollection({ file: entry.file, name: copyName, yaml: args.content, ...args });
    }
    return saveCollection({ id: entry.id, yaml: args.content, base: args.base, message: args.message });
  };

  return (
    <Box>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          {entry.name}
        </Typography>
        {changed && <Chip color="warning" label="Unsaved changes" />}
        {canEdit && (
          <>
            <Button variant="contained" disabled={!changed} onClick={() => setReview('save')}>
              Review and commit
            </Button>
            <Button onClick={() => setReview('duplicate')}>Duplicate</Button>
            <Button color="error" onClick={() => setReview('delete')}>
              Delete
            </Button>
          </>
        )}
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        In <FileLineLink file={entry.file} line={entry.line} /> at {shortSha(entry.commit)}
        {libraries.length > 0 && ` · built in ${libraries.join(', ')}`}
      </Typography>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, lg: 7 }}>
          <Paper variant="outlined" sx={{ px: 2 }}>
            <Tabs value={tab} onChange={(_e, value: 'form' | 'yaml') => setTab(value)} aria-label="Editor">
              <Tab value="form" label="Form" />
              <Tab value="yaml" label="YAML" />
            </Tabs>
            {tab === 'form' ? (
              <CollectionForm yaml={text} libraryType={libraryType} readOnly={!canEdit} onChange={setText} />
            ) : (
              <Box sx={{ py: 1 }}>
                <YamlEditor
                  path={editorPath(entry.file, entry.name)}
                  value={text}
                  readOnly={!canEdit}
                  line={null}
                  problems={[]}
                  onChange={setText}
                  onSave={() => changed && setReview('save')}
                  height="50vh"
                />
              </Box>
            )}
          </Paper>
        </Grid>
        <Grid size={{ xs: 12, lg: 5 }}>
          <PreviewPanel yaml={text} file={entry.file} name={entry.name} libraries={libraries} />
        </Grid>
      </Grid>
      {review && (
        <ReviewDialog
          path={entry.file}
          subject={
            review === 'delete'
              ? `deleting ${entry.name} from ${entry.file}`
              : review === 'duplicate'
                ? `a new collection ${copyName} in ${entry.file}`
                : `${entry.name} in ${entry.file}`
          }
          wholeFile={false}
          base={entry.commit}
          committed={review === 'save' ? entry.yaml : review === 'delete' ? entry.yaml : ''}
          draft={review === 'delete' ? '' : text}
          save={save}
          saving={saving.isLoading || creating.isLoading || deleting.isLoading}
          defaultMessage={
            review === 'delete'
              ? `Delete collection ${entry.name}`
              : review === 'duplicate'
                ? `Add collection ${copyName}`
                : `Update collection ${entry.name}`
          }
          onClose={() => setReview(null)}
          onCommitted={(commit) =>
            done(
              commit,
              review === 'delete'
                ? '/collections'
                : review === 'duplicate'
                  ? collectionLink(entry.file, copyName)
                  : null,
            )
          }
          onProblems={() => undefined}
          onOpenProblem={(problem) => problem.file && navigate(fileLink(problem.file, problem.line))}
        />
      )}
    </Box>
  );
}

/** `/collections/<file>/<name>`: one collection's form and YAML, its live preview, and its commits. */
export default function CollectionEditorPage() {
  const splat = useParams()['*'] ?? '';
  const place = parseCollectionSplat(splat);
  const id = place ? `${place.file}::${place.name}` : '';
  const { data, error, isLoading } = useCollectionQuery(id, { skip: !place });
  if (!place) return <Alert severity="error">This address names no collection: {splat}</Alert>;
  return (
    <>
      <ErrorAlert error={error} what={`collection ${place.name} in ${place.file}`} />
      {isLoading && <Skeleton variant="rectangular" height={300} />}
      {data && <Editor key={`${data.id}@${data.commit}`} entry={data} />}
    </>
  );
}
