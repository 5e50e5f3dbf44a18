/**
 * The closed set of error codes. Mapped once to HTTP statuses (http/errors.ts) and once to CLI exit codes
 * (cli/main.ts). Services throw these; they never throw HTTP errors.
 */
export const ERROR_CODES = {
  invalid: { http: 400, exit: 2 },
  unauthenticated: { http: 401, exit: 3 },
  forbidden: { http: 403, exit: 3 },
  not_found: { http: 404, exit: 4 },
  conflict: { http: 409, exit: 5 },
  invalid_state: { http: 409, exit: 6 },
  unavailable: { http: 503, exit: 7 },
  internal: { http: 500, exit: 1 },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field of the input: where it is and what was expected. */
export interface FieldIssue {
  /** e.g. `agency.country`, or the import column name */
  field: string;
  message: string;
  /** 1-based line of an import file */
  line?: number;
  value?: string;
}

export class CandorError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'CandorError';
  }
}

/** Turns Zod issues into field issues with dotted paths. */
export function zodIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): FieldIssue[] {
  return issues.map((i) => ({ field: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/** An invalid environment variable (src/config.ts); declared here so that printing one needs no zod. */
export class ConfigError extends Error {}
