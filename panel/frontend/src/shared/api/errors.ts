import type { ConflictDetails, Problem } from './models';

/** What every failed request turns into: HTTP status plus the envelope's error. */
export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export function isApiFailure(value: unknown): value is ApiFailure {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiFailure).status === 'number' &&
    typeof (value as ApiFailure).code === 'string'
  );
}

/** Any thrown or returned error as an ApiFailure (network errors get status 0). */
export function toFailure(error: unknown): ApiFailure {
  if (isApiFailure(error)) return error;
  if (error instanceof Error)
    return { status: 0, code: 'network_error', message: error.message, details: {} };
  return { status: 0, code: 'unknown', message: 'Something went wrong', details: {} };
}

/** The validation problems a 422 carries (empty for other failures). */
export function problemsOf(failure: ApiFailure | undefined): Problem[] {
  const problems = failure?.details?.problems;
  return Array.isArray(problems) ? (problems as Problem[]) : [];
}

export function conflictOf(failure: ApiFailure | undefined): ConflictDetails | null {
  if (!failure || failure.status !== 409) return null;
  const details = failure.details as Partial<ConflictDetails>;
  return Array.isArray(details.files) && typeof details.head === 'string'
    ? (details as ConflictDetails)
    : null;
}

/** A sentence for people: the server's message, or what to do when the server could not be reached. */
export function describeFailure(failure: ApiFailure): string {
  if (failure.status === 0)
    return `The panel could not be reached (${failure.message}). Check that it is running.`;
  if (failure.status === 403) return `You are not allowed to do this: ${failure.message}`;
  if (failure.status === 429) return `Too many attempts: ${failure.message}`;
  return failure.message;
}
