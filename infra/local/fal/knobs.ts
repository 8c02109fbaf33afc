/**
 * What the fal stand-in can be told to do besides working: how long requests take,
 * how often they fail, what happens to their webhooks, how often a picture loses the
 * customer's likeness. Set at start (options, or the `LOCAL_FAL_*` variables through
 * {@link falKnobsFromEnv}) and changed while it runs (`PUT /_local/knobs`, or
 * `setKnobs`). Every random choice comes from one seeded PRNG, so a run with the same
 * seed and the same requests in the same order makes the same choices.
 */
export interface FalKnobs {
  /** How long a generation request stays IN_PROGRESS at least (the GPU's time), ms. */
  readonly latencyMs: number;
  /** How long a training request stays IN_PROGRESS at least, ms. */
  readonly trainingLatencyMs: number;
  /**
   * Share of submits that fail, 0..1. Of those, {@link overloadShare} are refused at
   * once with 503 (fal's overloaded queue; `@fal-ai/client` retries it on its own), the
   * rest are queued, run, and end as ERROR (a 500, 503 or 504 request error in the result,
   * an ERROR webhook).
   */
  readonly errorRate: number;
  /** Share of the failing submits answered 503 instead of ending as ERROR, 0..1 (default 0.2). */
  readonly overloadShare: number;
  /** Share of requests whose webhook is never sent, 0..1: only the status poll finds them finished. */
  readonly dropWebhookRate: number;
  /** Extra deliveries of every webhook that was delivered (0 = once, as it should be; 1 = twice, …). */
  readonly duplicateWebhooks: number;
  /** Share of generated images that lose the likeness, 0..1 (decided per image seed, so a retried seed drifts again). */
  readonly driftRate: number;
  /** How far a drifted image strays (`likenessDrift` of `makeLocalImage`, 0..1; 0.75 makes the identity lock reject it). */
  readonly drift: number;
  /** Requests IN_PROGRESS at once; the rest wait IN_QUEUE with a `queue_position` (fal: 2 for new accounts, up to 40). */
  readonly concurrency: number;
}

export const DEFAULT_FAL_KNOBS: FalKnobs = {
  latencyMs: 1_000,
  trainingLatencyMs: 3_000,
  errorRate: 0,
  overloadShare: 0.2,
  dropWebhookRate: 0,
  duplicateWebhooks: 0,
  driftRate: 0,
  drift: 0.75,
  concurrency: 40,
};

/** Knob changes, and the PRNG's seed (setting it restarts the sequence). */
export type FalKnobChanges = Partial<FalKnobs> & { readonly seed?: number };

/** The environment variable of each knob. */
export const FAL_KNOB_ENV: Readonly<Record<keyof FalKnobs | 'seed', string>> = {
  latencyMs: 'LOCAL_FAL_LATENCY_MS',
  trainingLatencyMs: 'LOCAL_FAL_TRAINING_LATENCY_MS',
  errorRate: 'LOCAL_FAL_ERROR_RATE',
  overloadShare: 'LOCAL_FAL_OVERLOAD_SHARE',
  dropWebhookRate: 'LOCAL_FAL_DROP_WEBHOOK_RATE',
  duplicateWebhooks: 'LOCAL_FAL_DUPLICATE_WEBHOOKS',
  driftRate: 'LOCAL_FAL_DRIFT_RATE',
  drift: 'LOCAL_FAL_DRIFT',
  concurrency: 'LOCAL_FAL_CONCURRENCY',
  seed: 'LOCAL_FAL_SEED',
};

type Rule = { readonly kind: 'share' } | { readonly kind: 'integer'; readonly min: number; readonly max: number };

const RULES: Readonly<Record<keyof FalKnobs | 'seed', Rule>> = {
  latencyMs: { kind: 'integer', min: 0, max: 3_600_000 },
  trainingLatencyMs: { kind: 'integer', min: 0, max: 3_600_000 },
  errorRate: { kind: 'share' },
  overloadShare: { kind: 'share' },
  dropWebhookRate: { kind: 'share' },
  duplicateWebhooks: { kind: 'integer', min: 0, max: 10 },
  driftRate: { kind: 'share' },
  drift: { kind: 'share' },
  concurrency: { kind: 'integer', min: 1, max: 1_000 },
  seed: { kind: 'integer', min: 0, max: 0xffffffff },
};

/** Why a knob change was refused (the HTTP call answers 400 with it). */
export class KnobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KnobError';
  }
}

function checked(name: keyof FalKnobs | 'seed', value: unknown, from: string): number {
  const rule = RULES[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new KnobError(`${from}: ${name} must be a number`);
  if (rule.kind === 'share') {
    if (value < 0 || value > 1) throw new KnobError(`${from}: ${name} must be between 0 and 1`);
    return value;
  }
  if (!Number.isInteger(value) || value < rule.min || value > rule.max) throw new KnobError(`${from}: ${name} must be an integer from ${rule.min} to ${rule.max}`);
  return value;
}

/** Checks a set of changes (unknown names and values out of range are refused, nothing is applied). */
export function checkKnobChanges(changes: unknown, from = 'knobs'): FalKnobChanges {
  if (!changes || typeof changes !== 'object' || Array.isArray(changes)) throw new KnobError(`${from}: expected a JSON object of knobs`);
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(changes)) {
    if (!Object.hasOwn(RULES, name)) throw new KnobError(`${from}: unknown knob "${name}"; one of ${Object.keys(RULES).join(', ')}`);
    out[name] = checked(name as keyof FalKnobs, value, from);
  }
  return out as FalKnobChanges;
}

/**
 * The knobs the `LOCAL_FAL_*` variables set (unset or empty ones are left out):
 * LOCAL_FAL_LATENCY_MS, LOCAL_FAL_TRAINING_LATENCY_MS, LOCAL_FAL_ERROR_RATE,
 * LOCAL_FAL_OVERLOAD_SHARE, LOCAL_FAL_DROP_WEBHOOK_RATE, LOCAL_FAL_DUPLICATE_WEBHOOKS,
 * LOCAL_FAL_DRIFT_RATE, LOCAL_FAL_DRIFT, LOCAL_FAL_CONCURRENCY and LOCAL_FAL_SEED.
 * A value that is not a number in range throws, naming the variable.
 */
export function falKnobsFromEnv(env: NodeJS.ProcessEnv = process.env): FalKnobChanges {
  const out: Record<string, number> = {};
  for (const [name, variable] of Object.entries(FAL_KNOB_ENV)) {
    const raw = env[variable]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    out[name] = checked(name as keyof FalKnobs, Number.isNaN(value) ? raw : value, variable);
  }
  return out as FalKnobChanges;
}
