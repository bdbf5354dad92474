import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Problem } from '../api/models';
import { problemPlace, ProblemsList } from './ProblemsList';

const problem = (over: Partial<Problem>): Problem => ({
  file: 'config.yml',
  line: 4,
  column: 3,
  pointer: '',
  severity: 'error',
  code: 'schema',
  message: 'bad value',
  hint: null,
  ...over,
});

describe('ProblemsList', () => {
  it('names each place file:line:col and counts errors and warnings', () => {
    render(
      <ProblemsList problems={[problem({}), problem({ severity: 'warning', line: 9 })]} onOpen={() => {}} />,
    );
    expect(screen.getByText('1 error, 1 warning')).toBeInTheDocument();
    expect(screen.getByText('config.yml:4:3')).toBeInTheDocument();
    expect(screen.getByText('config.yml:9:3')).toBeInTheDocument();
  });

  it('choosing a problem in another file hands it over to open that file', async () => {
    const onOpen = vi.fn();
    const other = problem({ file: 'collections/tv.yml', line: 12, hint: 'did you mean sort_title?' });
    render(<ProblemsList problems={[other]} onOpen={onOpen} />);
    expect(screen.getByText('did you mean sort_title?')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /collections\/tv\.yml:12:3/ }));
    expect(onOpen).toHaveBeenCalledWith(other);
  });

  it('renders nothing without problems, and a tree-wide problem without a place', () => {
    const { container } = render(<ProblemsList problems={[]} onOpen={() => {}} />);
    expect(container).toBeEmptyDOMElement();
    expect(problemPlace(problem({ file: null, line: null, column: null }))).toBe('(tree)');
  });
});
