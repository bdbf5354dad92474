import { List, ListItemButton, ListItemText, Typography } from '@mui/material';
import type { Problem } from '../api/models';

export function problemPlace(problem: Problem): string {
  const parts = [problem.file ?? '(tree)', problem.line, problem.column].filter(
    (p) => p !== null && p !== undefined,
  );
  return parts.join(':');
}

/** Validation problems as file:line:col links; choosing one opens that place (in this file or another). */
export function ProblemsList({
  problems,
  onOpen,
}: {
  problems: Problem[];
  onOpen: (problem: Problem) => void;
}) {
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <section aria-label="Problems">
      <Typography variant="subtitle2" sx={{ mt: 1 }}>
        {errors} error{errors === 1 ? '' : 's'}, {problems.length - errors} warning
        {problems.length - errors === 1 ? '' : 's'}
      </Typography>
      <List dense disablePadding>
        {problems.map((problem, index) => (
          <ListItemButton key={index} onClick={() => onOpen(problem)}>
            <ListItemText
              primary={
                <>
                  <Typography
                    component="span"
                    variant="body2"
                    color={problem.severity === 'error' ? 'error' : 'warning.main'}
                    sx={{ fontWeight: 600 }}
                  >
                    {problem.severity === 'error' ? 'Error' : 'Warning'}
                  </Typography>{' '}
                  <Typography component="span" variant="body2" sx={{ fontFamily: 'monospace' }}>
                    {problemPlace(problem)}
                  </Typography>{' '}
                  {problem.message}
                </>
              }
              secondary={problem.hint}
            />
          </ListItemButton>
        ))}
      </List>
    </section>
  );
}
