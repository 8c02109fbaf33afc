import type { ProviderRequestRecord, ProviderRequests, RequestOutcome } from '#functions/generation/request-store';

/** An in-memory RequestStore with the same answers (the DynamoDB expressions are tested in test/stores). */
export class FakeRequestStore implements ProviderRequests {
  readonly requests = new Map<string, ProviderRequestRecord>();
  private readonly holders = new Map<string, { requestId: string; failures: number }>();

  seed(record: ProviderRequestRecord): this {
    this.requests.set(record.requestId, record);
    this.holders.set(record.holder, { requestId: record.requestId, failures: this.holders.get(record.holder)?.failures ?? 0 });
    return this;
  }

  async record(record: ProviderRequestRecord): Promise<void> {
    this.seed(record);
  }

  async get(requestId: string): Promise<ProviderRequestRecord | undefined> {
    return this.requests.get(requestId);
  }

  async forHolder(holder: string): Promise<ProviderRequestRecord | undefined> {
    const id = this.holders.get(holder)?.requestId;
    const record = id ? this.requests.get(id) : undefined;
    return record?.outcome === 'ERROR' ? undefined : record;
  }

  async attachToken(requestId: string, taskToken: string): Promise<ProviderRequestRecord | undefined> {
    const record = this.requests.get(requestId);
    if (!record) return undefined;
    const next = { ...record, taskToken };
    this.requests.set(requestId, next);
    return next;
  }

  async recordOutcome(requestId: string, outcome: RequestOutcome, reportedBy: 'webhook' | 'poll', at = new Date().toISOString()): Promise<{ first: boolean; record?: ProviderRequestRecord }> {
    const record = this.requests.get(requestId);
    if (!record) return { first: false, record: undefined };
    if (record.outcome) return { first: false, record };
    const next = { ...record, outcome, outcomeAt: at, reportedBy };
    this.requests.set(requestId, next);
    return { first: true, record: next };
  }

  async countFailure(holder: string): Promise<number> {
    const entry = this.holders.get(holder) ?? { requestId: '', failures: 0 };
    entry.failures += 1;
    this.holders.set(holder, entry);
    return entry.failures;
  }
}
