import type { OrderRecord } from '#functions/orders/order-store';
import type { OrderedStyle, StylePlan } from '#shared/orders';
import { CUSTOMER_SUB } from './events';

export const ORDER_ID = '9b2f3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
export const OTHER_ORDER_ID = '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';
export const EXECUTION_ARN = `arn:aws:states:eu-west-1:123456789012:execution:OrderPipeline:${ORDER_ID}`;
export const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfake-task-token';

/** Two styles as an order copies them from its studio. */
export const STYLES: OrderedStyle[] = [
  { styleId: 'corporate-grey', name: 'Corporate grey', backdrop: 'mid-grey paper', wardrobe: 'dark suit', lighting: 'soft key', prompt: 'grey prompt for the customer', priceCredits: 12 },
  { styleId: 'studio-black', name: 'Studio black', backdrop: 'black backdrop', wardrobe: 'dark knit', lighting: 'low key', prompt: 'black prompt for the customer', priceCredits: 16 },
];

/** What a new order copies from its studio. */
export const STUDIO_FIELDS = { studioId: 'north-light-studio', studioName: 'North Light Studio', styleDetails: STYLES } as const;

/**
 * A stored order as the store returns it: the view plus the backend-only
 * attributes (execution ARN, task token). By default it waits at the gate.
 */
export function orderRecord(overrides: Partial<OrderRecord> = {}): OrderRecord {
  const status = overrides.status ?? 'PENDING_EDITOR_CONFIRMATION';
  return {
    orderId: ORDER_ID,
    customerId: CUSTOMER_SUB,
    status,
    studioId: 'north-light-studio',
    studioName: 'North Light Studio',
    styles: STYLES.map((style) => style.styleId),
    styleDetails: STYLES,
    credits: 28,
    photoCount: 8,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:01:00.000Z',
    timeline: [
      { status: 'SUBMITTED', at: '2030-01-01T00:00:00.000Z' },
      { status: 'PENDING_EDITOR_CONFIRMATION', at: '2030-01-01T00:01:00.000Z' },
    ],
    executionArn: EXECUTION_ARN,
    taskToken: TASK_TOKEN,
    ...overrides,
  };
}

/** `count` orders of one customer, one a minute apart from 2030-01-01T00:00Z; the last is the newest. */
export function ordersOf(customerId: string, count: number, overrides: Partial<OrderRecord> = {}): OrderRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString();
    const orderId = `${String(i).padStart(8, '0')}-0000-4000-8000-${customerId.slice(-12)}`;
    return orderRecord({ orderId, customerId, createdAt, updatedAt: createdAt, timeline: [{ status: 'SUBMITTED', at: createdAt }], ...overrides });
  });
}

export const PLANS: StylePlan[] = [
  { styleId: 'corporate-grey', position: 0, prompt: 'grey prompt', images: 6, batches: 2 },
  { styleId: 'studio-black', position: 1, prompt: 'black prompt', images: 6, batches: 2 },
];
