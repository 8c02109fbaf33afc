/**
 * Stripe's v1 error answer: an HTTP status and `{ error: { type, code?, message, param?, doc_url? } }`
 * (docs.stripe.com/api/errors). stripe-node turns it into its error classes by status and type
 * (`generateV1Error`): 400/404 → StripeInvalidRequestError (or StripeIdempotencyError when the type is
 * `idempotency_error`), 401 → StripeAuthenticationError.
 */
export type StripeErrorType = 'invalid_request_error' | 'idempotency_error' | 'api_error';

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }

  body(requestLogUrl?: string): { error: Record<string, string> } {
    const error: Record<string, string> = {};
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    error.message = this.message;
    if (this.param) error.param = this.param;
    if (requestLogUrl) error.request_log_url = requestLogUrl;
    error.type = this.type;
    return { error };
  }
}

/** 400 `parameter_missing`: "Missing required param: mode." */
export function missingParam(param: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', `Missing required param: ${param}.`, 'parameter_missing', param);
}

/** 400 `parameter_unknown`: "Received unknown parameter: foo" (the stand-in answers it for what it does not model, too). */
export function unknownParam(param: string, note = ''): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', `Received unknown parameter: ${param}${note}`, 'parameter_unknown', param);
}

/** 400 `parameter_invalid_integer`: "Invalid integer: abc" */
export function invalidInteger(param: string, value: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', `Invalid integer: ${value}`, 'parameter_invalid_integer', param);
}

/** 400 `parameter_invalid_empty`: an empty string for a parameter that cannot be unset. */
export function invalidEmpty(param: string): StripeApiError {
  return new StripeApiError(
    400,
    'invalid_request_error',
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. ` +
      `You should remove '${param}' from your request or supply a non-empty value.`,
    'parameter_invalid_empty',
    param,
  );
}

/** 400 without a code: a value outside what the parameter takes (enums, types, ranges). */
export function invalidParam(param: string, message: string, code?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, code, param);
}

/** `resource_missing`: "No such checkout.session: 'cs_test_…'" (404 for the path's object, 400 for one a parameter names). */
export function resourceMissing(kind: string, id: string, param = 'id', status = 404): StripeApiError {
  return new StripeApiError(status, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param);
}

/** 401 without an API key (Stripe's type is `invalid_request_error`, without a code). */
export function noApiKey(): StripeApiError {
  return new StripeApiError(
    401,
    'invalid_request_error',
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). " +
      'See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.',
  );
}

/** 401 for a key that is not a (known) secret test key, masked as Stripe masks it (type `invalid_request_error`, no code). */
export function invalidApiKey(key: string, note = ''): StripeApiError {
  const masked = key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(4, key.length - 12))}${key.slice(-4)}` : key;
  return new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${masked}${note}`);
}

/** 400 `idempotency_error`: a key reused on another endpoint or with other parameters. */
export function idempotencyMismatch(key: string, what: 'parameters' | 'endpoint', detail = ''): StripeApiError {
  const message =
    what === 'parameters'
      ? `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
      : `Keys for idempotent requests can only be used for the same endpoint they were first used for${detail}. Try using a key other than '${key}' if you meant to execute a different request.`;
  return new StripeApiError(400, 'idempotency_error', message);
}
