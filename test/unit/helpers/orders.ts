import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { OrderStatus, StylePlan } from '../../../shared/orders';
import { CUSTOMER_SUB } from './events';

export const ORDER_ID = '9b2f3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d';
export const EXECUTION_ARN = `arn:aws:states:eu-west-1:123456789012:execution:OrderPipeline:${ORDER_ID}`;
export const TASK_TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAfake-task-token';

/** A stored order item as DynamoDB returns it, keys and backend-only attributes included. */
export function orderItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const orderId = (overrides.orderId as string | undefined) ?? ORDER_ID;
  const status = (overrides.status as OrderStatus | undefined) ?? 'PENDING_EDITOR_CONFIRMATION';
  return {
    pk: `ORDER#${orderId}`,
    sk: 'ORDER',
    gsi1pk: `CUSTOMER#${CUSTOMER_SUB}`,
    gsi1sk: `2030-01-01T00:00:00.000Z#${orderId}`,
    gsi2pk: `STATUS#${status}`,
    gsi2sk: `2030-01-01T00:00:00.000Z#${orderId}`,
    orderId,
    customerId: CUSTOMER_SUB,
    customerEmail: 'ada@example.com',
    status,
    styles: ['corporate-grey', 'studio-black'],
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

export const PLANS: StylePlan[] = [
  { styleId: 'corporate-grey', position: 0, prompt: 'grey prompt', images: 6, batches: 2 },
  { styleId: 'studio-black', position: 1, prompt: 'black prompt', images: 6, batches: 2 },
];

/** The plan items as stored under the order's partition. */
export const PLAN_ITEMS = PLANS.map((plan) => ({
  pk: `ORDER#${ORDER_ID}`,
  sk: `PLAN#${String(plan.position).padStart(2, '0')}`,
  ...plan,
}));

/** The error DynamoDB answers when a condition expression does not hold. */
export function conditionalCheckFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: { httpStatusCode: 400 } });
}
