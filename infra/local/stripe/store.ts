import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testSecretKey, webhookSecret } from './signature';

/** A Checkout Session as the API answers it (the fields the stand-in models). */
export type CheckoutSessionObject = Record<string, unknown> & {
  id: string;
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  expires_at: number;
  success_url: string | null;
  cancel_url: string | null;
  amount_total: number;
  currency: string;
};

export interface LineItem {
  readonly id: string;
  readonly object: 'item';
  readonly amount_discount: number;
  readonly amount_subtotal: number;
  readonly amount_tax: number;
  readonly amount_total: number;
  readonly currency: string;
  readonly description: string;
  readonly price: Record<string, unknown>;
  readonly quantity: number;
}

export interface SessionRecord {
  session: CheckoutSessionObject;
  lineItems: LineItem[];
  /** The API version of the request that created it: its events carry it, as an endpoint pinned to it would. */
  apiVersion: string;
  /** A delayed payment (the page's bank transfer) still to settle: its outcome and when (ms since epoch). */
  pendingAsync?: { outcome: 'succeeded' | 'failed'; at: number };
}

export interface EventObject extends Record<string, unknown> {
  id: string;
  object: 'event';
  type: string;
  created: number;
  data: { object: Record<string, unknown> };
}

export interface DeliveryAttempt {
  readonly at: number;
  readonly status?: number;
  readonly error?: string;
}

export interface EventRecord {
  event: EventObject;
  /** Every delivery attempt (retries and resends), in order. */
  attempts: DeliveryAttempt[];
  /** True once an attempt was answered 2xx; false while retries remain or once they ran out. */
  delivered: boolean;
  /** Retries left of the automatic schedule (resends do not count). */
  retriesLeft: number;
  /** When the next automatic attempt is due (ms since epoch); absent once delivered or given up. */
  nextAttemptAt?: number;
}

export interface IdempotencyRecord {
  readonly method: string;
  readonly path: string;
  /** SHA-256 of the request's parameters. */
  readonly fingerprint: string;
  readonly status: number;
  readonly body: string;
  readonly at: number;
}

export interface StandInState {
  sessions: Record<string, SessionRecord>;
  events: Record<string, EventRecord>;
  idempotency: Record<string, IdempotencyRecord>;
}

/**
 * Everything the stand-in knows, kept in `<dataDir>/state.json` and rewritten (aside, then renamed) on
 * every change, so sessions, events and idempotency keys survive a restart.
 */
export class StateFile {
  readonly state: StandInState;
  private readonly file: string;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.file = join(dataDir, 'state.json');
    this.state = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as StandInState) : { sessions: {}, events: {}, idempotency: {} };
  }

  save(): void {
    const staging = `${this.file}.${process.pid}.tmp`;
    writeFileSync(staging, JSON.stringify(this.state));
    renameSync(staging, this.file);
  }
}

export interface LocalStripeSecrets {
  /** The secret test key the stand-in accepts (`sk_test_…`). */
  readonly secretKey: string;
  /** The local webhook endpoint's signing secret (`whsec_…`). */
  readonly webhookSecret: string;
}

/** The local account's secret key and webhook secret: made once and kept in `<dataDir>/secrets.json`. */
export function localStripeSecrets(dataDir: string): LocalStripeSecrets {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalStripeSecrets;
  const secrets: LocalStripeSecrets = { secretKey: testSecretKey(), webhookSecret: webhookSecret() };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
