import {
  Alert,
  Button,
  Card,
  CardContent,
  Chip,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Skeleton,
  Stack,
  TextField,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useAppDispatch, useAppSelector } from '../../app/store';
import { toastShown } from '../../app/uiSlice';
import { describeFailure, toFailure } from '../../shared/api/errors';
import type { Commit, FileDiff } from '../../shared/api/models';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { shortSha } from '../../shared/time';
import { hasRole } from '../auth/authSlice';
import { useFileQuery } from '../files/filesApi';
import { DiffView } from '../../shared/editor/MonacoPanes';
import { useCommitQuery, useDiffQuery, useRevertMutation } from './historyApi';
import { RestoreReview } from './RestoreReview';

function FileAt({
  path,
  rev,
  skip,
  children,
}: {
  path: string;
  rev: string;
  skip: boolean;
  children: (text: string) => React.ReactNode;
}) {
  const { data, isLoading } = useFileQuery({ path, rev }, { skip });
  if (skip) return <>{children('')}</>;
  if (isLoading) return <Skeleton variant="rectangular" height={120} />;
  return <>{children(data?.content ?? '')}</>;
}

/** One file of a commit, side by side: the parent's version left, the commit's right. */
function FileChange({
  change,
  commit,
  onRestore,
}: {
  change: FileDiff;
  commit: Commit;
  onRestore?: (path: string) => void;
}) {
  const parent = commit.parents[0];
  const oldPath = change.old_path ?? change.path;
  return (
    <Card variant="outlined" sx={{ mb: 2 }}>
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ mb: 1, alignItems: 'center' }}>
          <Chip size="small" label={change.status} />
          <Typography sx={{ fontFamily: 'monospace', flexGrow: 1 }}>{change.path}</Typography>
          {onRestore && (
            <Button size="small" onClick={() => onRestore(change.path)}>
              Restore this file to this version
            </Button>
          )}
        </Stack>
        {change.binary ? (
          <Typography variant="body2">Binary file.</Typography>
        ) : (
          <FileAt path={oldPath} rev={parent ?? ''} skip={!parent || change.status === 'added'}>
            {(before) => (
              <FileAt path={change.path} rev={commit.sha} skip={change.status === 'deleted'}>
                {(after) => <DiffView path={change.path} original={before} modified={after} height="40vh" />}
              </FileAt>
            )}
          </FileAt>
        )}
      </CardContent>
    </Card>
  );
}

function RevertDialog({ commit, onClose }: { commit: Commit; onClose: () => void }) {
  const [message, setMessage] = useState(`Revert "${commit.message}"`);
  const [revert, { isLoading, error }] = useRevertMutation();
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  async function submit() {
    const result = await revert({ sha: commit.sha, message });
    if ('data' in result && result.data) {
      dispatch(
        toastShown({
          kind: 'success',
          text: result.data.unchanged ? 'Nothing to revert' : `Reverted as ${shortSha(result.data.sha)}`,
          link: { to: `/history/${result.data.sha}`, label: 'View commit' },
        }),
      );
      onClose();
      navigate(`/history/${result.data.sha}`);
    }
  }
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="revert-title">
      <DialogTitle id="revert-title">Revert {shortSha(commit.sha)}</DialogTitle>
      <DialogContent>
        <Typography variant="body2">
          A new commit undoes the changes of this commit to {commit.files.join(', ')} (shown above). The
          result is validated before it lands; history is never rewritten.
        </Typography>
        {error && (
          <Alert severity="error" sx={{ mt: 1 }}>
            Nothing was committed: {describeFailure(toFailure(error))}
          </Alert>
        )}
        <TextField
          label="Commit message"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          fullWidth
          margin="normal"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          onClick={submit}
          disabled={isLoading || !message.trim()}
          startIcon={isLoading ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          Revert
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export default function CommitPage() {
  const sha = useParams().sha ?? '';
  const [params] = useSearchParams();
  const onlyPath = params.get('path') ?? undefined;
  const { data: commit, error } = useCommitQuery(sha);
  const parent = commit?.parents[0];
  const diff = useDiffQuery({ from: parent ?? '', to: sha, path: onlyPath }, { skip: !commit || !parent });
  const [reverting, setReverting] = useState(false);
  const [restoring, setRestoring] = useState<{ path?: string } | null>(null);
  const canEdit = hasRole(
    useAppSelector((state) => state.auth.user),
    'editor',
  );

  if (error) return <ErrorAlert error={error} what={`commit ${sha}`} />;
  if (!commit) return <Skeleton variant="rectangular" height={200} />;
  const files: FileDiff[] =
    diff.data?.files ??
    (parent ? [] : commit.files.map((path) => ({ status: 'added', path, binary: false, hunks: [] })));
  return (
    <>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mb: 1, alignItems: { sm: 'center' } }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }}>
          {commit.message}
        </Typography>
        {canEdit && parent && (
          <Button variant="outlined" color="warning" onClick={() => setReverting(true)}>
            Revert this commit
          </Button>
        )}
        {canEdit && (
          <Button variant="outlined" onClick={() => setRestoring({})}>
            Restore the tree to this version
          </Button>
        )}
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        <code>{commit.sha}</code> by {commit.author.name} ·{' '}
        <span title={commit.time}>{new Date(commit.time).toLocaleString()}</span>
      </Typography>
      <ErrorAlert error={diff.error} what="the diff" />
      {files.map((change) => (
        <FileChange
          key={change.path}
          change={change}
          commit={commit}
          onRestore={canEdit ? (path) => setRestoring({ path }) : undefined}
        />
      ))}
      {reverting && <RevertDialog commit={commit} onClose={() => setReverting(false)} />}
      {restoring && (
        <RestoreReview commit={commit} path={restoring.path} onClose={() => setRestoring(null)} />
      )}
    </>
  );
}
