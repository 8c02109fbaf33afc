import type { OrderStatus } from '../../../shared/orders';

/** The order statuses the progress line groups, in pipeline order. */
const GROUPS: readonly { readonly label: string; readonly statuses: readonly (OrderStatus | 'NEW')[] }[] = [
  { label: 'photos', statuses: ['NEW', 'DRAFT', 'VALIDATING', 'NEEDS_NEW_PHOTOS', 'SUBMITTED'] },
  { label: 'gate', statuses: ['PENDING_EDITOR_CONFIRMATION'] },
  { label: 'confirmed', statuses: ['CONFIRMED'] },
  { label: 'training', statuses: ['TRAINING'] },
  { label: 'generating', statuses: ['GENERATING'] },
  { label: 'review', statuses: ['PENDING_REVIEW'] },
  { label: 'failed', statuses: ['FAILED', 'REJECTED', 'EXPIRED', 'DISCARDED'] },
];

export interface OrderProgress {
  /** Undefined before the order exists. */
  readonly status?: OrderStatus;
  readonly imagesPlanned?: number;
  readonly imagesDone?: number;
  /** It stopped before production (setup failed). */
  readonly stuck?: boolean;
  /** Selfies uploaded, and those with a verdict. */
  readonly selfies?: number;
  readonly selfiesChecked?: number;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** One line: orders at each status, images done of planned. */
export function progressLine(elapsedMs: number, phase: string, orders: readonly OrderProgress[], extra = ''): string {
  const counts = GROUPS.map(({ label, statuses }) => {
    const n = orders.filter((o) => !o.stuck && statuses.includes(o.status ?? 'NEW')).length;
    return `${label} ${n}`;
  });
  const stuck = orders.filter((o) => o.stuck).length;
  const sum = (pick: (o: OrderProgress) => number | undefined) => orders.reduce((total, o) => total + (pick(o) ?? 0), 0);
  const selfies = sum((o) => o.selfies);
  const checked = sum((o) => o.selfiesChecked);
  const work = selfies > checked || sum((o) => o.imagesPlanned) === 0 ? `selfies ${checked}/${selfies} checked` : `images ${sum((o) => o.imagesDone)}/${sum((o) => o.imagesPlanned)}`;
  return `  ${formatDuration(elapsedMs).padStart(10)}  ${phase.padEnd(10)}  ${counts.join(' · ')}${stuck ? ` · stopped ${stuck}` : ''}  |  ${work}${extra ? `  |  ${extra}` : ''}`;
}

/**
 * The run's live line: rewritten in place every second on a terminal, printed as a
 * new line every few seconds otherwise (a log file or CI keeps a readable record).
 */
export class Progress {
  private timer?: NodeJS.Timeout;
  private shown = '';
  private lastPrinted = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly render: () => string,
    private readonly everyMs = 5_000,
  ) {}

  private get tty(): boolean {
    return Boolean(this.out.isTTY);
  }

  start(): void {
    this.tick(true);
    this.timer = setInterval(() => this.tick(false), this.tty ? 1_000 : this.everyMs);
    this.timer.unref();
  }

  private tick(force: boolean): void {
    const line = this.render();
    if (this.tty) {
      const width = this.out.columns ?? 160;
      this.shown = line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line;
      this.out.write(`\r\x1b[2K${this.shown}`);
    } else if (force || Date.now() - this.lastPrinted >= this.everyMs - 50) {
      this.lastPrinted = Date.now();
      this.out.write(`${line}\n`);
    }
  }

  /** Prints a line above the live one. */
  note(text: string): void {
    if (this.tty) this.out.write(`\r\x1b[2K${text}\n${this.shown}`);
    else this.out.write(`${text}\n`);
  }

  /** Shows the last state and ends the live line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const line = this.render();
    this.out.write(this.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}
