import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Outbox } from './outbox';

/** SES v2 counts every To, Cc and Bcc address against this limit per message. */
export const MAX_RECIPIENTS = 50;
/** SES v2's largest message, body and headers together. */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface LocalSesOptions {
  readonly outbox: Outbox;
  readonly region: string;
  /** The identities SES has verified: only these may appear as the sender. */
  readonly verifiedIdentities: readonly string[];
  /** Listening port; a free one when omitted. */
  readonly port?: number;
  readonly onSent?: (to: readonly string[], subject: string) => void;
}

export interface LocalSes {
  readonly url: string;
  close(): Promise<void>;
}

/** An SES v2 error: its type goes in `x-amzn-ErrorType`, its message in the JSON body (restJson1). */
class SesError extends Error {
  constructor(
    readonly type: 'BadRequestException' | 'MessageRejected' | 'NotFoundException',
    message: string,
    readonly status = type === 'NotFoundException' ? 404 : 400,
  ) {
    super(message);
  }
}

const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

/** The bare address of `Name <a@b.c>` or `a@b.c`. */
function bareAddress(value: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(value);
  return (angle ? angle[1] : value).trim();
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);

function addresses(destination: Json, field: string): string[] {
  const list = destination[field];
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) throw new SesError('BadRequestException', `Destination.${field} must be a list of addresses.`);
  for (const address of list as string[]) if (!ADDRESS.test(bareAddress(address))) throw new SesError('BadRequestException', `Illegal address: ${address}`);
  return list as string[];
}

function textPart(body: Json, name: 'Text' | 'Html'): string | undefined {
  const part = body[name];
  if (part === undefined) return undefined;
  if (!isObject(part) || typeof part.Data !== 'string') throw new SesError('BadRequestException', `Content.Simple.Body.${name}.Data is required.`);
  return part.Data;
}

/**
 * The parts of SES v2 SendEmail (`POST /v2/email/outbound-emails`) the studio
 * uses, answered as SES answers them: simple content only, a verified sender,
 * at most 50 recipients, 40 MB. Accepted messages go to the outbox instead of
 * the Internet. Reached by functions through the authorizing proxy, which
 * checks `ses:SendEmail` on the sender's identity first.
 */
export function sendEmail(request: unknown, options: Pick<LocalSesOptions, 'outbox' | 'region' | 'verifiedIdentities'>): { MessageId: string } {
  if (!isObject(request)) throw new SesError('BadRequestException', 'The request body must be a JSON object.');
  const from = request.FromEmailAddress;
  if (typeof from !== 'string' || !from) throw new SesError('BadRequestException', 'FromEmailAddress is required.');
  const sender = bareAddress(from);
  const verified = options.verifiedIdentities.some((identity) => identity.toLowerCase() === sender.toLowerCase() || identity.toLowerCase() === sender.split('@')[1]?.toLowerCase());
  if (!verified) {
    throw new SesError('MessageRejected', `Email address is not verified. The following identities failed the check in region ${options.region.toUpperCase()}: ${sender}`);
  }
  const destination = request.Destination;
  if (!isObject(destination)) throw new SesError('BadRequestException', 'Destination is required.');
  const to = addresses(destination, 'ToAddresses');
  const cc = addresses(destination, 'CcAddresses');
  const bcc = addresses(destination, 'BccAddresses');
  const recipients = to.length + cc.length + bcc.length;
  if (recipients === 0) throw new SesError('BadRequestException', 'Missing final recipient: Destination has no address.');
  if (recipients > MAX_RECIPIENTS) throw new SesError('MessageRejected', `Recipient count exceeds ${MAX_RECIPIENTS}.`);
  const content = request.Content;
  if (!isObject(content)) throw new SesError('BadRequestException', 'Content is required.');
  const simple = content.Simple;
  if (!isObject(simple)) throw new SesError('BadRequestException', 'The local SES sends Simple content only (no Raw or Template content).');
  const subject = simple.Subject;
  if (!isObject(subject) || typeof subject.Data !== 'string') throw new SesError('BadRequestException', 'Content.Simple.Subject.Data is required.');
  const body = simple.Body;
  if (!isObject(body)) throw new SesError('BadRequestException', 'Content.Simple.Body is required.');
  const text = textPart(body, 'Text');
  const html = textPart(body, 'Html');
  if (text === undefined && html === undefined) throw new SesError('BadRequestException', 'Content.Simple.Body needs Text or Html.');
  const stored = options.outbox.add({ source: 'ses', from, to, cc, bcc, subject: subject.Data, text, html });
  return { MessageId: stored.messageId };
}

/** Starts the local SES v2 endpoint (the functions reach it through their authorizing proxy). */
export async function startLocalSes(options: LocalSesOptions): Promise<LocalSes> {
  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    const requestId = randomUUID();
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    };
    try {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'POST' || path !== '/v2/email/outbound-emails') throw new SesError('NotFoundException', `The local SES serves SendEmail only, not ${req.method} ${path}.`);
      if (raw.length > MAX_MESSAGE_BYTES) throw new SesError('MessageRejected', 'Message length is more than 40 MB.');
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new SesError('BadRequestException', 'The request body is not JSON.');
      }
      const answer = sendEmail(parsed, options);
      const message = parsed as { Destination: { ToAddresses?: string[] }; Content: { Simple: { Subject: { Data: string } } } };
      options.onSent?.(message.Destination.ToAddresses ?? [], message.Content.Simple.Subject.Data);
      reply(200, answer);
    } catch (error) {
      if (error instanceof SesError) reply(error.status, { message: error.message }, { 'x-amzn-errortype': error.type });
      else reply(500, { message: (error as Error).message }, { 'x-amzn-errortype': 'InternalServiceErrorException' });
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
