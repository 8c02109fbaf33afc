/**
 * fal's error answers (fal.ai/docs/documentation/model-apis/errors and …/request-errors):
 *
 * - platform answers (auth, unknown app or request, a request still running) carry
 *   `{ detail: "<message>" }`;
 * - request errors (timeouts, runner failures) carry `{ detail: "<message>", error_type }`
 *   and the same type in the `X-Fal-Error-Type` header;
 * - model errors (input validation, unreadable inputs) carry `{ detail: [{ loc, msg, type,
 *   url, input? }] }` with status 422, as FastAPI/pydantic do.
 *
 * `@fal-ai/client` turns any of them into an `ApiError` (a `ValidationError` for 422),
 * with the body kept as `error.body`.
 */
export class FalHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.detail === 'string' ? body.detail : `fal error ${status}`);
    this.name = 'FalHttpError';
  }
}

/** One entry of a model error's `detail` list. */
export interface ModelErrorDetail {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
  readonly url?: string;
  readonly input?: unknown;
}

export function platformError(status: number, detail: string): FalHttpError {
  return new FalHttpError(status, { detail });
}

/** A request error as fal reports it after its own retries gave up. */
export interface RequestErrorKind {
  readonly status: number;
  readonly errorType: string;
  readonly detail: string;
}

/** The request errors the error-rate knob picks from (fal's typical status for each). */
export const INJECTED_REQUEST_ERRORS: readonly RequestErrorKind[] = [
  { status: 500, errorType: 'runner_server_error', detail: 'The runner encountered an internal server error.' },
  { status: 503, errorType: 'runner_disconnected', detail: 'The runner disconnected unexpectedly during processing.' },
  { status: 504, errorType: 'request_timeout', detail: 'Request timed out' },
];

export function requestError(kind: RequestErrorKind): FalHttpError {
  return new FalHttpError(kind.status, { detail: kind.detail, error_type: kind.errorType }, { 'x-fal-error-type': kind.errorType });
}

/** 422 with fal's model-error body; `type` links to fal's error reference as fal's own do. */
export function modelError(details: readonly ModelErrorDetail[]): FalHttpError {
  return new FalHttpError(422, { detail: details.map((d) => ({ url: `https://docs.fal.ai/errors/#${d.type}`, ...d })) }, { 'x-fal-retryable': 'false' });
}

/** The input fields that failed validation, collected so one answer names all of them (as pydantic does). */
export class InputProblems {
  private readonly details: ModelErrorDetail[] = [];

  add(field: string | readonly (string | number)[], msg: string, type: string, input?: unknown): void {
    const loc = ['body', ...(typeof field === 'string' ? [field] : field)];
    this.details.push({ loc, msg, type, ...(input !== undefined && { input }) });
  }

  get empty(): boolean {
    return this.details.length === 0;
  }

  throwIfAny(): void {
    if (this.details.length) throw modelError(this.details);
  }
}
