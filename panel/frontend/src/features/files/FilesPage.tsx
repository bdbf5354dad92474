import { Alert, Box, Button, Grid, Paper, Skeleton, Stack, Typography } from '@mui/material';
import { useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useAppSelector } from '../../app/store';
import type { Problem } from '../../shared/api/models';
import { ErrorAlert } from '../../shared/ErrorAlert';
import { hasRole } from '../auth/authSlice';
import { draftPaths } from './drafts';
import { FileEditor } from './FileEditor';
import { FileOperation, type Operation } from './FileOperation';
import { useFileQuery, useFileTreeQuery } from './filesApi';
import { FileTree } from './FileTree';

/** A positive whole `?line=`, or null. */
export function lineParam(value: string | null): number | null {
  const line = Number(value);
  return Number.isInteger(line) && line > 0 ? line : null;
}

function OpenFile({
  path,
  line,
  onOpenProblem,
  onOperation,
}: {
  path: string;
  line: number | null;
  onOpenProblem: (p: Problem) => void;
  onOperation: (op: Operation) => void;
}) {
  const { data, error, isLoading } = useFileQuery({ path });
  const user = useAppSelector((state) => state.auth.user);
  if (isLoading) return <Skeleton variant="rectangular" height={400} />;
  if (error) return <ErrorAlert error={error} what={path} />;
  if (!data) return null;
  return (
    <FileEditor
      key={`${data.path}@${data.blob}`}
      file={data}
      canEdit={hasRole(user, 'editor')}
      line={line}
      onOpenProblem={onOpenProblem}
      onOperation={onOperation}
    />
  );
}

export default function FilesPage() {
  const path = useParams()['*'] || null;
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const tree = useFileTreeQuery();
  const paths = useMemo(() => tree.data?.items.map((item) => item.path) ?? [], [tree.data]);
  const drafts = useMemo(() => draftPaths(), [path, tree.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const line = lineParam(params.get('line'));
  const [operation, setOperation] = useState<Operation | null>(null);
  const canEdit = hasRole(
    useAppSelector((state) => state.auth.user),
    'editor',
  );

  const openProblem = (problem: Problem) => {
    const file = problem.file ?? path;
    if (file) navigate(`/files/${file}${problem.line ? `?line=${problem.line}` : ''}`);
  };

  return (
    <>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 2 }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          Files
        </Typography>
        {canEdit && tree.data && (
          <Button
            variant="outlined"
            onClick={() => setOperation({ kind: 'create', base: tree.data?.commit ?? 'main' })}
          >
            New file
          </Button>
        )}
      </Stack>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 3 }}>
          <Paper variant="outlined" sx={{ maxHeight: '75vh', overflow: 'auto' }}>
            <ErrorAlert error={tree.error} what="the file list" />
            {tree.isLoading ? (
              <Skeleton variant="rectangular" height={200} />
            ) : (
              <FileTree
                paths={paths}
                selected={path}
                drafts={drafts}
                onOpen={(p) => navigate(`/files/${p}`)}
              />
            )}
          </Paper>
        </Grid>
        <Grid size={{ xs: 12, md: 9 }}>
          {path ? (
            <OpenFile path={path} line={line} onOpenProblem={openProblem} onOperation={setOperation} />
          ) : (
            <Box sx={{ p: 2 }}>
              <Alert severity="info">Choose a file on the left to view or edit it.</Alert>
            </Box>
          )}
        </Grid>
      </Grid>
      {operation && <FileOperation op={operation} paths={paths} onClose={() => setOperation(null)} />}
    </>
  );
}
