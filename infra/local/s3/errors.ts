import type { ProxyAnswer } from '../iam/policy';

/**
 * One S3 error as S3 answers it: an HTTP status and the XML `<Error>` document
 * with its `Code`, `Message` and the elements some codes add (`ProposedSize`,
 * `StringToSign`, …), from the Amazon S3 API Reference's error code list.
 */
export interface S3Error {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  /** Extra elements of the `<Error>` document, in order. */
  readonly details?: Readonly<Record<string, string | number>>;
}

export function s3Error(status: number, code: string, message: string, details?: S3Error['details']): S3Error {
  return { status, code, message, ...(details ? { details } : {}) };
}

/** `403 AccessDenied`, with S3's own message (`Access Denied`) unless another is given. */
export function accessDenied(message = 'Access Denied', details?: S3Error['details']): S3Error {
  return s3Error(403, 'AccessDenied', message, details);
}

/** The HTTP answer of an S3 error: `application/xml` and the request ID header, as S3 sends them. */
export function s3ErrorAnswer(error: S3Error, requestId: string, headers: Readonly<Record<string, string>> = {}): ProxyAnswer {
  const details = Object.entries(error.details ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`)
    .join('');
  return {
    status: error.status,
    headers: { ...headers, 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body:
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>` +
      `${details}<RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`,
  };
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
