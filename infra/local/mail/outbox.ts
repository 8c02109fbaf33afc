import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Who handed the message over: the local SES (the functions' mail) or cognito-local (codes). */
export type OutboxSource = 'ses' | 'cognito';

/** One message as it would have left: its envelope and both bodies. */
export interface OutboxMessage {
  readonly messageId: string;
  readonly source: OutboxSource;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  /** ISO time it was accepted. */
  readonly at: string;
}

export type NewOutboxMessage = Omit<OutboxMessage, 'messageId' | 'at'>;

/**
 * The local cloud's outbox: every message the studio sends, one JSON file
 * each under the data folder, so mail survives restarts and can be read with
 * any editor, on the local web app's `/outbox` page, or by tests.
 */
export class Outbox {
  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    mkdirSync(dir, { recursive: true });
  }

  add(message: NewOutboxMessage): OutboxMessage {
    const at = this.now().toISOString();
    const stored: OutboxMessage = { ...message, messageId: randomUUID(), at };
    // Named by time first, so a directory listing is the order they were sent in.
    const name = `${at.replace(/[:.]/g, '-')}-${stored.messageId}.json`;
    const temporary = join(this.dir, `.${name}.tmp`);
    writeFileSync(temporary, `${JSON.stringify(stored, null, 2)}\n`);
    renameSync(temporary, join(this.dir, name));
    return stored;
  }

  /** Messages newest first, optionally only those addressed to one recipient (case-insensitive). */
  list(filter: { readonly to?: string } = {}): OutboxMessage[] {
    const wanted = filter.to?.trim().toLowerCase();
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .sort()
      .reverse()
      .map((name) => JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as OutboxMessage)
      .filter((message) => !wanted || [...message.to, ...message.cc, ...message.bcc].some((address) => address.toLowerCase() === wanted));
  }

  get(messageId: string): OutboxMessage | undefined {
    return this.list().find((message) => message.messageId === messageId);
  }
}
