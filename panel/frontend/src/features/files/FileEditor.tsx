import HistoryIcon from '@mui/icons-material/History';
import { Alert, Box, Button, Chip, Stack, Typography } from '@mui/material';
import { useCallback, useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import { useAppDispatch } from '../../app/store';
import { commitToast } from '../../app/uiSlice';
import type { Commit, FileObject, Problem } from '../../shared/api/models';
import { shortSha, timeAgo } from '../../shared/time';
import { useDraft } from './drafts';
import { useSaveFileMutation } from './filesApi';
import type { Operation } from './FileOperation';
import { YamlEditor } from '../../shared/editor/MonacoPanes';
import { ProblemsList } from '../../shared/editor/ProblemsList';
import { ReviewDialog } from '../../shared/editor/ReviewDialog';

interface Props {
  file: FileObject;
  canEdit: boolean;
  line: number | null;
  onOpenProblem: (problem: Problem) => void;
  onOperation?: (op: Operation) => void;
}

/** One file: the editor (drafts kept in the browser), Ctrl/Cmd+S or Review opens the review dialog. */
export function FileEditor({ file, canEdit, line, onOpenProblem, onOperation }: Props) {
  const dispatch = useAppDispatch();
  const { draft, save, discard } = useDraft(file.path);
  const [restored] = useState(() => draft !== null && draft.content !== file.content);
  const [text, setText] = useState(() => draft?.content ?? file.content);
  const [reviewing, setReviewing] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saveFile, { isLoading: saving }] = useSaveFileMutation();
  const base = draft?.base ?? file.commit;
  const dirty = text !== file.content;

  const onChange = useCallback(
    (next: string) => {
      setText(next);
      save(next, draft?.base ?? file.commit, file.content);
    },
    [save, draft?.base, file.commit, file.content],
  );

  const openReview = useCallback(() => {
    if (canEdit && dirty) setReviewing(true);
  }, [canEdit, dirty]);

  function committed(commit: Commit) {
    setReviewing(false);
    discard();
    setProblems([]);
    dispatch(commitToast(commit));
  }

  return (
    <Box>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap' }}>
        <Typography variant="h6" component="h2" sx={{ fontFamily: 'monospace', flexGrow: 1 }}>
          {file.path}
        </Typography>
        {!canEdit && <Chip size="small" label="Read only" />}
        {dirty && <Chip size="small" color="warning" label="Unsaved draft" />}
        <Button
          size="small"
          startIcon={<HistoryIcon />}
          component={RouterLink}
          to={`/history?path=${encodeURIComponent(file.path)}`}
        >
          File history
        </Button>
        {canEdit && onOperation && (
          <>
            <Button
              size="small"
              disabled={dirty}
              onClick={() =>
                onOperation({ kind: 'rename', base: file.commit, path: file.path, content: file.content })
              }
            >
              Rename
            </Button>
            <Button
              size="small"
              color="error"
              disabled={dirty}
              onClick={() =>
                onOperation({ kind: 'delete', base: file.commit, path: file.path, content: file.content })
              }
            >
              Delete
            </Button>
          </>
        )}
        {canEdit && (
          <>
            <Button
              size="small"
              disabled={!dirty}
              onClick={() => {
                discard();
                setText(file.content);
                setProblems([]);
              }}
            >
              Discard
            </Button>
            <Button size="small" variant="contained" disabled={!dirty} onClick={openReview}>
              Review &amp; commit
            </Button>
          </>
        )}
      </Stack>
      {restored && draft && (
        <Alert severity="info" sx={{ mb: 1 }}>
          Restored your unsaved draft from {timeAgo(draft.savedAt)} (based on {shortSha(draft.base)}).
        </Alert>
      )}
      <Box sx={{ border: 1, borderColor: 'divider' }}>
        <YamlEditor
          path={file.path}
          value={text}
          readOnly={!canEdit}
          line={line}
          problems={problems}
          onChange={onChange}
          onSave={openReview}
        />
      </Box>
      <ProblemsList problems={problems} onOpen={onOpenProblem} />
      {reviewing && (
        <ReviewDialog
          path={file.path}
          base={base}
          committed={file.content}
          draft={text}
          save={(args) => saveFile({ path: file.path, body: args })}
          saving={saving}
          onClose={() => setReviewing(false)}
          onCommitted={committed}
          onProblems={setProblems}
          onOpenProblem={(problem) => {
            setReviewing(false);
            onOpenProblem(problem);
          }}
        />
      )}
    </Box>
  );
}
