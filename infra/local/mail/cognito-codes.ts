import type { ChildProcess } from 'node:child_process';
import { VERIFICATION_EMAIL } from '../../catalogue';
import type { Outbox, OutboxMessage } from './outbox';

/** What cognito-local would have e-mailed: a code for an address. */
export interface CodeDelivery {
  readonly username: string;
  readonly destination: string;
  readonly code: string;
}

// Colours and the box cognito-local draws around a delivery.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const BOX = /[│╭╮╰╯─┃]/g;

/**
 * Reads cognito-local's log line by line and picks out each "Confirmation Code
 * Delivery" box (its console stand-in for the e-mail Cognito sends): the
 * username, the destination address and the code.
 */
export class CodeDeliveryParser {
  private pending = '';
  private current: Record<string, string> | undefined;

  /** Feeds a chunk of output; answers the deliveries completed in it. */
  push(chunk: string): CodeDelivery[] {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    const found: CodeDelivery[] = [];
    for (const raw of lines) {
      const line = raw.replace(ANSI, '');
      if (line.includes('Confirmation Code Delivery')) {
        this.current = {};
        continue;
      }
      if (!this.current) continue;
      if (line.includes('╰')) {
        const { Username, Destination, Code } = this.current;
        if (Destination && Code) found.push({ username: Username ?? Destination, destination: Destination, code: Code });
        this.current = undefined;
        continue;
      }
      const field = /^\s*([A-Za-z ]+):\s+(\S.*?)\s*$/.exec(line.replace(BOX, ''));
      if (field) this.current[field[1].trim()] = field[2];
    }
    return found;
  }
}

/** The e-mail the user pool's verification message makes of a delivery. */
export function verificationEmail(delivery: CodeDelivery, from: string): Omit<OutboxMessage, 'messageId' | 'at'> {
  const text = VERIFICATION_EMAIL.body.replace('{####}', delivery.code);
  const html = `<p>${text.replace(delivery.code, `<strong>${delivery.code}</strong>`)}</p>`;
  return { source: 'cognito', from, to: [delivery.destination], cc: [], bcc: [], subject: VERIFICATION_EMAIL.subject, text, html };
}

/** Cognito's own sender when the pool sends with its default e-mail (as the CDK user pool does). */
export const COGNITO_SENDER = 'no-reply@verificationemail.com';

/** Files every code cognito-local hands out in the outbox, as the e-mail Cognito would send. Answers a stop function. */
export function fileCognitoCodes(child: ChildProcess, outbox: Outbox): () => void {
  const parser = new CodeDeliveryParser();
  const onData = (chunk: Buffer) => {
    for (const delivery of parser.push(chunk.toString('utf8'))) outbox.add(verificationEmail(delivery, COGNITO_SENDER));
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return () => {
    child.stdout?.off('data', onData);
    child.stderr?.off('data', onData);
  };
}
