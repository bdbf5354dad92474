import { List, ListItem, ListItemText, Skeleton, Typography } from '@mui/material';
import { useNavigate } from 'react-router-dom';
import { useAppDispatch } from '../../app/store';
import { commitToast } from '../../app/uiSlice';
import type { Commit } from '../../shared/api/models';
import { ReviewDialog } from '../../shared/editor/ReviewDialog';
import { fileLink } from '../../shared/links';
import { shortSha } from '../../shared/time';
import { useFileQuery } from '../files/filesApi';
import { useDiffQuery, useRestoreMutation } from './historyApi';

/** What a tree restore changes: the files that differ between main and the commit. */
function TreeChanges({ sha }: { sha: string }) {
  const { data, isLoading } = useDiffQuery({ from: 'main', to: sha });
  if (isLoading) return <Skeleton variant="rectangular" height={80} />;
  const files = data?.files ?? [];
  if (files.length === 0)
    return <Typography>The tree on main is already as it was at this commit.</Typography>;
  return (
    <List dense aria-label="Files the restore changes">
      {files.map((f) => (
        <ListItem key={f.path}>
          <ListItemText primary={<code>{f.path}</code>} secondary={`${f.status} since ${shortSha(sha)}`} />
        </ListItem>
      ))}
    </List>
  );
}

/** "Restore this file (or the whole tree) to this version" through the review dialog: main's text left,
 * the commit's right; the server makes the new commit (`POST /api/history/<sha>/restore`). */
export function RestoreReview({
  commit,
  path,
  onClose,
}: {
  commit: Commit;
  path?: string;
  onClose: () => void;
}) {
  const now = useFileQuery({ path: path ?? '', rev: 'main' }, { skip: !path });
  const then = useFileQuery({ path: path ?? '', rev: commit.sha }, { skip: !path });
  const [restore, { isLoading }] = useRestoreMutation();
  const dispatch = useAppDispatch();
  const navigate = useNavigate();
  if (path && (now.isLoading || then.isLoading)) return null;
  const what = path ?? 'the whole tree';
  return (
    <ReviewDialog
      path={path ?? 'tree'}
      subject={`restoring ${what} to ${shortSha(commit.sha)}`}
      wholeFile={false}
      base={now.data?.commit ?? 'main'}
      committed={now.data?.content ?? ''}
      draft={then.data?.content ?? ''}
      preview={path ? undefined : <TreeChanges sha={commit.sha} />}
      save={(args) => restore({ sha: commit.sha, path, message: args.message })}
      saving={isLoading}
      defaultMessage={`Restore ${what} to ${shortSha(commit.sha)}`}
      onClose={onClose}
      onCommitted={(c) => {
        onClose();
        dispatch(commitToast(c, 'Restored as', 'Nothing to restore'));
      }}
      onProblems={() => undefined}
      onOpenProblem={(p) => p.file && navigate(fileLink(p.file, p.line))}
    />
  );
}
