import { type ErrorCode, statusOf } from '#shared/api/errors';

/** An error whose code and message are safe to show to the caller; the status follows from the code. */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusOf(code);
  }
}
