import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from '@mui/material';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAppDispatch } from '../../app/store';
import { commitToast } from '../../app/uiSlice';
import type { Commit } from '../../shared/api/models';
import { ReviewDialog, type SaveArgs } from '../../shared/editor/ReviewDialog';
import { fileLink } from '../../shared/links';
import { useBatchFilesMutation } from './filesApi';

export type Operation =
  | { kind: 'create'; base: string }
  | { kind: 'rename'; base: string; path: string; content: string }
  | { kind: 'delete'; base: string; path: string; content: string };

/** The one batch change an operation commits (`POST /api/files`). */
export function changeFor(op: Operation, target: string, content: string) {
  if (op.kind === 'create') return { path: target, content, delete: false as const };
  if (op.kind === 'rename') return { path: target, from: op.path, delete: false as const };
  return { path: op.path, delete: true as const };
}

export function checkTarget(target: string, taken: string[]): string | null {
  if (!target.trim()) return 'Give the file a path';
  if (target.startsWith('/') || target.split('/').some((p) => p === '' || p === '..' || p === '.')) {
    return 'A path inside the repository: folders separated by /, no .. or empty parts';
  }
  if (taken.includes(target)) return `${target} exists already`;
  return null;
}

/** Create, rename or delete a file: ask for the path (create, rename), then the review dialog commits it
 * as one batch change. */
export function FileOperation({
  op,
  paths,
  onClose,
}: {
  op: Operation;
  paths: string[];
  onClose: () => void;
}) {
  const [target, setTarget] = useState(
    op.kind === 'rename' ? op.path : op.kind === 'create' ? 'collections/' : op.path,
  );
  const [reviewing, setReviewing] = useState(op.kind === 'delete');
  const [batch, { isLoading }] = useBatchFilesMutation();
  const navigate = useNavigate();
  const dispatch = useAppDispatch();
  const problem = op.kind === 'delete' ? null : checkTarget(target, paths);

  function committed(commit: Commit) {
    dispatch(commitToast(commit));
    onClose();
    navigate(op.kind === 'delete' ? '/files' : fileLink(target));
  }

  if (reviewing) {
    const before = op.kind === 'create' ? '' : op.content;
    const after = op.kind === 'delete' ? '' : op.kind === 'rename' ? op.content : '';
    const subject =
      op.kind === 'create'
        ? `creating ${target}`
        : op.kind === 'rename'
          ? `renaming ${op.path} to ${target}`
          : `deleting ${op.path}`;
    const message =
      op.kind === 'create'
        ? `Add ${target}`
        : op.kind === 'rename'
          ? `Rename ${op.path} to ${target}`
          : `Delete ${op.path}`;
    return (
      <ReviewDialog
        path={target}
        subject={subject}
        wholeFile={op.kind === 'create'}
        base={op.base}
        committed={before}
        draft={after}
        save={(args: SaveArgs) =>
          batch({ base: args.base, message: args.message, changes: [changeFor(op, target, args.content)] })
        }
        saving={isLoading}
        defaultMessage={message}
        onClose={onClose}
        onCommitted={committed}
        onProblems={() => undefined}
        onOpenProblem={(p) => {
          onClose();
          navigate(fileLink(p.file ?? target, p.line));
        }}
      />
    );
  }
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="file-op-title">
      <DialogTitle id="file-op-title">
        {op.kind === 'create' ? 'New file' : `Rename ${op.kind === 'rename' ? op.path : ''}`}
      </DialogTitle>
      <DialogContent>
        <TextField
          label="Path"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          fullWidth
          margin="normal"
          autoFocus
          error={Boolean(problem) && target !== (op.kind === 'rename' ? op.path : 'collections/')}
          helperText={problem ?? ' '}
          slotProps={{ htmlInput: { style: { fontFamily: 'monospace' } } }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" disabled={Boolean(problem)} onClick={() => setReviewing(true)}>
          Review
        </Button>
      </DialogActions>
    </Dialog>
  );
}
