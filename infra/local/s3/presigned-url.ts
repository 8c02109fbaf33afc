import { accessDenied, type S3Error, s3Error } from './errors';
import { ALGORITHM, isoSeconds, parseAmzDate, parseCredential, presignedCanonicalRequest, queryPairs, sameSignature, signature, signingKey, stringToSign } from './sigv4';

/** A request as the S3 front received it. */
export interface SignedUrlRequest {
  readonly method: string;
  /** The path and query as sent. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface PresignedUrlContext {
  /** The region the local buckets are in; a URL scoped to another is refused. */
  readonly region: string;
  readonly now: Date;
  /** The secret of an access key; undefined for a key the cloud does not know. */
  readonly secretOf: (accessKey: string) => string | undefined;
}

/** Whether a request carries SigV4 query-string authentication (a presigned URL). */
export function isPresigned(request: Pick<SignedUrlRequest, 'url' | 'headers'>): boolean {
  if (request.headers.authorization) return false;
  return queryPairs(request.url).some(([name]) => name === 'X-Amz-Algorithm' || name === 'X-Amz-Signature' || name === 'X-Amz-Credential');
}

/** Seven days, the longest a presigned URL may live (`X-Amz-Expires`). */
const MAX_EXPIRES = 604_800;

/**
 * Checks a presigned URL as S3 does before it looks at the object: its
 * parameters (400 `AuthorizationQueryParametersError`), the access key (403
 * `InvalidAccessKeyId`), its lifetime (403 `AccessDenied`, "Request has
 * expired") and the signature over the canonical request, with the signer's
 * secret (403 `SignatureDoesNotMatch`). Undefined when it holds; authorizing the
 * signer is the caller's part.
 */
export function checkPresignedUrl(request: SignedUrlRequest, ctx: PresignedUrlContext): S3Error | undefined {
  const query = new Map(queryPairs(request.url));
  const param = (name: string) => query.get(name);
  if (param('X-Amz-Algorithm') !== ALGORITHM) return queryError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const required = ['X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires'];
  if (required.some((name) => param(name) === undefined)) {
    return queryError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  const amzDate = param('X-Amz-Date')!;
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) return queryError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  const expiresText = param('X-Amz-Expires')!;
  const expires = Number(expiresText);
  if (!/^-?\d+$/.test(expiresText)) return queryError('X-Amz-Expires should be a number');
  if (expires < 0) return queryError('X-Amz-Expires must be non-negative');
  if (expires > MAX_EXPIRES) {
    return queryError('X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds');
  }
  const credential = parseCredential(param('X-Amz-Credential')!);
  if (!credential) return queryError(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  const secret = ctx.secretOf(credential.accessKey);
  if (secret === undefined) {
    return s3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: credential.accessKey });
  }
  if (credential.region !== ctx.region) {
    return queryError(`Error parsing the X-Amz-Credential parameter; the region '${credential.region}' is wrong; expecting '${ctx.region}'`, { Region: ctx.region });
  }
  if (credential.service !== 's3') {
    return queryError(`Error parsing the X-Amz-Credential parameter; incorrect service "${credential.service}". This endpoint belongs to "s3".`);
  }
  const expiresAt = new Date(signedAt.getTime() + expires * 1000);
  if (ctx.now.getTime() > expiresAt.getTime()) {
    return accessDenied('Request has expired', { 'X-Amz-Expires': expiresText, Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(ctx.now) });
  }
  const signedHeaders = param('X-Amz-SignedHeaders')!.split(';');
  const canonical = presignedCanonicalRequest(request.method, request.url, request.headers, signedHeaders);
  const toSign = stringToSign(amzDate, credential.scope, canonical);
  const expected = signature(signingKey(secret, credential.date, ctx.region, 's3'), toSign);
  const provided = param('X-Amz-Signature')!;
  if (!sameSignature(expected, provided)) {
    return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      AWSAccessKeyId: credential.accessKey,
      StringToSign: toSign,
      SignatureProvided: provided,
      CanonicalRequest: canonical,
    });
  }
  return undefined;
}

function queryError(message: string, details?: S3Error['details']): S3Error {
  return s3Error(400, 'AuthorizationQueryParametersError', message, details);
}
