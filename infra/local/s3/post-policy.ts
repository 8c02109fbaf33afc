import { accessDenied, type S3Error, s3Error } from './errors';
import { ALGORITHM, parseCredential, sameSignature, signature, signingKey } from './sigv4';

/**
 * The checks S3 makes on a browser form upload (POST Object with a SigV4-signed
 * POST policy) before it stores anything, as the Amazon S3 API Reference
 * describes them ("Browser-Based Uploads Using POST", "POST Policy",
 * "Calculating a Signature") and with the error codes S3 answers:
 *
 * - the form has one `file` and a `key` (400 `InvalidArgument`);
 * - the policy is signed by a known key (403 `InvalidAccessKeyId`) with its
 *   secret, over the credential scope's date and the bucket's region (403
 *   `SignatureDoesNotMatch`), so a changed policy fails;
 * - the policy is a base64 JSON document with `expiration` and `conditions`
 *   (400 `InvalidPolicyDocument`), not expired (403 `AccessDenied`, "Invalid
 *   according to Policy: Policy expired.");
 * - every condition holds: exact matches (`{"key": "…"}`, `["eq", "$key", "…"]`)
 *   and `starts-with` against the form's fields after `${filename}` is expanded,
 *   `bucket` against the bucket posted to (403 `AccessDenied`, "Invalid according
 *   to Policy: Policy Condition failed: […]"), so a changed field fails;
 * - every field but `x-amz-signature`, `file`, `policy` and `x-ignore-*` is named
 *   by a condition (403 `AccessDenied`, "Invalid according to Policy: Extra input
 *   fields: …");
 * - the signer may `s3:PutObject` the key (the caller's IAM evaluation, 403
 *   `AccessDenied`);
 * - the file's real length is within `content-length-range` (400
 *   `EntityTooSmall` / `EntityTooLarge`).
 *
 * Form field names are compared without regard to case (`Policy`, `policy`).
 */

/** A multipart form as posted: the fields before the file, in order, and the file. */
export interface PostForm {
  /** `[name, value]` of every field before `file` (S3 ignores the fields after it). */
  readonly fields: readonly (readonly [string, string])[];
  /** The file's byte length and the name the browser gave it; undefined when the form has no `file`. */
  readonly file?: { readonly size: number; readonly filename?: string };
}

export interface PostPolicyContext {
  /** The bucket the form is posted to (the URL's). */
  readonly bucket: string;
  /** The bucket's region: the signing key's. */
  readonly region: string;
  readonly now: Date;
  /** The secret of an access key; undefined for a key the cloud does not know. */
  readonly secretOf: (accessKey: string) => string | undefined;
  /** Authorizes the signer to put the object (IAM); an error refuses the upload. */
  readonly authorize?: (accessKey: string, key: string) => S3Error | undefined;
}

export type PostPolicyResult =
  | {
      readonly ok: true;
      readonly accessKey: string;
      /** The object key, `${filename}` expanded. */
      readonly key: string;
      /** Every field before the file, by lower-case name, `${filename}` expanded (repeated fields joined by commas). */
      readonly fields: ReadonlyMap<string, string>;
    }
  | { readonly ok: false; readonly error: S3Error };

/** Fields no condition needs to name. */
const UNCOVERED = new Set(['x-amz-signature', 'file', 'policy']);

export function checkPostPolicy(form: PostForm, ctx: PostPolicyContext): PostPolicyResult {
  const refuse = (error: S3Error): PostPolicyResult => ({ ok: false, error });
  if (!form.file) return refuse(s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', { ArgumentName: 'file', ArgumentValue: 0 }));

  // "${filename}" is the file's name without its path, in every field, before any condition is checked.
  const filename = (form.file.filename ?? '').split(/[/\\]/).pop() ?? '';
  const fields = new Map<string, string>();
  for (const [name, value] of form.fields) {
    const lower = name.toLowerCase();
    const expanded = value.split('${filename}').join(filename);
    fields.set(lower, fields.has(lower) ? `${fields.get(lower)},${expanded}` : expanded);
  }
  const missing = (name: string) =>
    refuse(
      s3Error(400, 'InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, {
        ArgumentName: name,
        ArgumentValue: '',
      }),
    );
  const key = fields.get('key');
  if (key === undefined) return missing('key');
  if (!key) return refuse(s3Error(400, 'InvalidArgument', 'User key must have a length greater than 0.', { ArgumentName: 'key', ArgumentValue: '' }));

  // Authentication: SigV4 fields (a form without any is anonymous, and these buckets are private).
  const signed = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature', 'policy'];
  if (fields.has('awsaccesskeyid') || fields.has('signature')) {
    return refuse(s3Error(400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.'));
  }
  if (!signed.some((name) => fields.has(name))) return refuse(accessDenied());
  const absent = signed.find((name) => !fields.has(name));
  if (absent) return missing(absent === 'policy' ? 'Policy' : absent.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => `${dash}${c.toUpperCase()}`));
  if (fields.get('x-amz-algorithm') !== ALGORITHM) return refuse(s3Error(400, 'InvalidRequest', 'Please use AWS4-HMAC-SHA256.'));
  const credential = parseCredential(fields.get('x-amz-credential')!);
  if (!credential) {
    return refuse(
      s3Error(400, 'InvalidArgument', 'Invalid argument.', { ArgumentName: 'x-amz-credential', ArgumentValue: fields.get('x-amz-credential')! }),
    );
  }
  const secret = ctx.secretOf(credential.accessKey);
  if (secret === undefined) {
    return refuse(s3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: credential.accessKey }));
  }
  const policyText = fields.get('policy')!;
  const provided = fields.get('x-amz-signature')!;
  // The signing key is the bucket's region's and S3's: a policy scoped to another cannot match.
  const expected = signature(signingKey(secret, credential.date, ctx.region, 's3'), policyText);
  if (!sameSignature(expected, provided)) {
    return refuse(
      s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
        AWSAccessKeyId: credential.accessKey,
        StringToSign: policyText,
        SignatureProvided: provided,
      }),
    );
  }

  const policy = parsePolicy(policyText);
  if ('error' in policy) return refuse(policy.error);
  if (ctx.now.getTime() >= policy.expiration.getTime()) return refuse(accessDenied('Invalid according to Policy: Policy expired.'));

  // Conditions: each names a field (or the bucket), or is the length range.
  const named = new Set<string>();
  let range: { min: number; max: number } | undefined;
  for (const condition of policy.conditions) {
    const parsed = parseCondition(condition);
    if (!parsed) return refuse(s3Error(400, 'InvalidPolicyDocument', `Invalid Policy: Invalid Condition: ${JSON.stringify(condition)}`));
    if (parsed.kind === 'range') {
      range = parsed;
      continue;
    }
    named.add(parsed.field);
    // The bucket is the one posted to; a `bucket` field, when sent, must satisfy the condition too.
    const values = parsed.field === 'bucket' ? [ctx.bucket, ...(fields.has('bucket') ? [fields.get('bucket')!] : [])] : [fields.get(parsed.field)];
    if (!values.every((value) => value !== undefined && holds(parsed, value))) {
      return refuse(accessDenied(`Invalid according to Policy: Policy Condition failed: [${[parsed.op, `$${parsed.name}`, parsed.value].map((part) => JSON.stringify(part)).join(', ')}]`));
    }
  }
  const extra = [...fields.keys()].filter((name) => !UNCOVERED.has(name) && !name.startsWith('x-ignore-') && !named.has(name));
  if (extra.length) return refuse(accessDenied(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`));

  const denied = ctx.authorize?.(credential.accessKey, key);
  if (denied) return refuse(denied);

  const size = form.file.size;
  if (range && size > range.max) {
    return refuse(s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: size, MaxSizeAllowed: range.max }));
  }
  if (range && size < range.min) {
    return refuse(s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', { ProposedSize: size, MinSizeAllowed: range.min }));
  }
  return { ok: true, accessKey: credential.accessKey, key, fields };
}

type Condition =
  | { readonly kind: 'match'; readonly op: 'eq' | 'starts-with'; readonly field: string; readonly name: string; readonly value: string }
  | { readonly kind: 'range'; readonly min: number; readonly max: number };

function parsePolicy(base64: string): { expiration: Date; conditions: unknown[] } | { error: S3Error } {
  const invalid = (message: string) => ({ error: s3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${message}`) });
  let document: unknown;
  try {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new Error('not base64');
    document = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    return invalid('Invalid JSON.');
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) return invalid('Invalid JSON.');
  const { expiration, conditions } = document as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) return invalid('Policy missing expiration.');
  const time = typeof expiration === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(expiration) ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(time)) return invalid(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (!Array.isArray(conditions)) return invalid('Policy missing conditions.');
  return { expiration: new Date(time), conditions };
}

/** `{"field": "value"}`, `["eq" | "starts-with", "$field", "value"]` or `["content-length-range", min, max]`. */
function parseCondition(condition: unknown): Condition | undefined {
  const scalar = (value: unknown) => (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined);
  if (Array.isArray(condition)) {
    const [op, subject, value] = condition as unknown[];
    if (typeof op !== 'string' || condition.length !== 3) return undefined;
    const operator = op.toLowerCase();
    if (operator === 'content-length-range') {
      const min = Number(subject);
      const max = Number(value);
      return Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= min ? { kind: 'range', min, max } : undefined;
    }
    if ((operator !== 'eq' && operator !== 'starts-with') || typeof subject !== 'string' || !subject.startsWith('$') || scalar(value) === undefined) return undefined;
    const name = subject.slice(1);
    return { kind: 'match', op: operator, field: name.toLowerCase(), name, value: scalar(value)! };
  }
  if (condition && typeof condition === 'object') {
    const entries = Object.entries(condition);
    if (entries.length !== 1 || scalar(entries[0][1]) === undefined) return undefined;
    const [name, value] = entries[0];
    return { kind: 'match', op: 'eq', field: name.toLowerCase(), name, value: scalar(value)! };
  }
  return undefined;
}

function holds(condition: Extract<Condition, { kind: 'match' }>, value: string): boolean {
  if (condition.op === 'eq') return value === condition.value;
  // A Content-Type may list several types, comma-separated: each must start with the prefix.
  if (condition.field === 'content-type') return value.split(',').every((part) => part.trim().startsWith(condition.value));
  return value.startsWith(condition.value);
}
