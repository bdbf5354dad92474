import {
  Alert,
  Button,
  CircularProgress,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@mui/material';
import { useState, type ReactNode } from 'react';
import { API_PATHS } from '../../api/paths';
import { conflictOf, describeFailure, problemsOf, toFailure } from '../api/errors';
import type { Commit, ConflictDetails, Problem } from '../api/models';
import { shortSha } from '../time';
import { DiffView } from './MonacoPanes';
import { ProblemsList } from './ProblemsList';
import { useValidateChangesQuery } from './validateApi';

/** What committing answered: the commit, or the failure (RTK Query's mutation result shape). */
export type SaveOutcome = { data: Commit } | { error: unknown };

export interface SaveArgs {
  content: string;
  base: string;
  message: string;
}

interface Props {
  /** The file the change is in (names the diff's language and the default message). */
  path: string;
  /** What is reviewed, when not the whole file (e.g. `collection X in movies.yml`). */
  subject?: string;
  base: string;
  committed: string;
  draft: string;
  /** Commit `content` (the right side, as reviewed or merged) on `base`. */
  save: (args: SaveArgs) => Promise<SaveOutcome>;
  saving: boolean;
  /** Whether `draft` is the whole file, so /api/validate can check it and a 409 can merge it. */
  wholeFile?: boolean;
  defaultMessage?: string;
  /** Shown instead of the diff (e.g. the list of files a tree restore changes). */
  preview?: ReactNode;
  onClose: () => void;
  onCommitted: (commit: Commit) => void;
  onProblems: (problems: Problem[]) => void;
  onOpenProblem: (problem: Problem) => void;
}

const CAN_VALIDATE = API_PATHS.includes('/api/validate');

/** What validating the change before committing says; a server without /api/validate checks on commit. */
function ValidationResult({ path, base, draft }: { path: string; base: string; draft: string }) {
  const { data, error, isFetching } = useValidateChangesQuery(
    { base, changes: [{ path, content: draft }] },
    { skip: !CAN_VALIDATE },
  );
  if (!CAN_VALIDATE) {
    return (
      <Alert severity="info">
        The server validates the whole tree when you commit; problems will show here.
      </Alert>
    );
  }
  if (isFetching) return <Typography variant="body2">Validating…</Typography>;
  if (error) return <Alert severity="warning">Could not validate: {describeFailure(toFailure(error))}</Alert>;
  const problems = data?.problems ?? [];
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) {
    return (
      <Alert severity="success">
        Valid{problems.length ? ` (${problems.length} warning${problems.length === 1 ? '' : 's'})` : ''}.
      </Alert>
    );
  }
  return <Alert severity="error">{errors.length} error(s) would block this commit.</Alert>;
}

/**
 * The review before a commit: the diff of exactly what will be committed, the validation result and the
 * message. A 422 lists the problems (nothing was committed); a 409 turns the diff into a merge of theirs
 * (left) and the editable result (right), committed against the new head.
 */
export function ReviewDialog(props: Props) {
  const { path, committed, draft, onClose, onCommitted, onProblems, onOpenProblem, save } = props;
  const wholeFile = props.wholeFile ?? true;
  const subject = props.subject ?? path;
  const [message, setMessage] = useState(props.defaultMessage ?? `Update ${path}`);
  const [error, setError] = useState<unknown>(null);
  const isLoading = props.saving;
  const [conflict, setConflict] = useState<ConflictDetails | null>(null);
  const [result, setResult] = useState(draft);
  const failure = error ? toFailure(error) : undefined;
  const problems = problemsOf(failure);
  const base = conflict?.head ?? props.base;
  const theirs = conflict?.files.find((f) => f.path === path)?.theirs ?? '';

  async function commit() {
    setError(null);
    const outcome = await save({ content: result, base, message });
    if ('data' in outcome) {
      onCommitted(outcome.data);
      return;
    }
    setError(outcome.error);
    const failed = toFailure(outcome.error);
    const clash = wholeFile ? conflictOf(failed) : null;
    if (clash) setConflict(clash);
    onProblems(problemsOf(failed));
  }

  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="xl" aria-labelledby="review-title">
      <DialogTitle id="review-title">
        {conflict ? `Merge ${path}` : `Review changes to ${subject}`}
      </DialogTitle>
      <DialogContent dividers>
        {conflict ? (
          <Alert severity="warning" sx={{ mb: 1 }}>
            Someone committed {path} since you opened it (now at {shortSha(conflict.head)}). Left: their
            version. Right: yours — edit it into the result you want, then commit it on top of theirs.
          </Alert>
        ) : (
          <Typography variant="body2" sx={{ mb: 1 }}>
            Left: committed ({shortSha(props.base)}). Right: what will be committed.
          </Typography>
        )}
        {props.preview && !conflict ? (
          props.preview
        ) : (
          <DiffView
            key={conflict ? `merge-${conflict.head}` : 'review'}
            path={path}
            original={conflict ? theirs : committed}
            modified={result}
            onModifiedChange={conflict ? setResult : undefined}
            height="45vh"
          />
        )}
        <div style={{ marginTop: 12 }}>
          {!conflict && wholeFile && <ValidationResult path={path} base={props.base} draft={draft} />}
          {!wholeFile && (
            <Alert severity="info">The server validates {path} with this change when you commit.</Alert>
          )}
        </div>
        {failure && !conflict && problems.length === 0 && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {describeFailure(failure)}
          </Alert>
        )}
        {problems.length > 0 && (
          <Alert severity="error" sx={{ mt: 1 }}>
            Nothing was committed: {failure?.message}
          </Alert>
        )}
        <ProblemsList problems={problems} onOpen={onOpenProblem} />
        <TextField
          label="Commit message"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          fullWidth
          margin="normal"
          required
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Keep editing</Button>
        <Button
          variant="contained"
          onClick={commit}
          disabled={isLoading || !message.trim()}
          startIcon={isLoading ? <CircularProgress size={16} color="inherit" /> : undefined}
        >
          {conflict ? 'Commit the result' : 'Commit'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
