import { planStyle, type StylePlan } from '../../shared/orders';
import { ddb } from '../lib/clients';
import { requireEnv } from '../lib/env';
import { taskHandler } from '../lib/http';
import { OrderStore } from '../lib/order-store';

const store = new OrderStore(ddb(), requireEnv('tableName'));

export interface PlanStyleInput {
  readonly orderId: string;
  readonly styleId: string;
  readonly position: number;
}

/** One Map iteration: plans the prompt and batches for a style and stores the plan (idempotent put). */
export const handler = taskHandler<PlanStyleInput, StylePlan>(async ({ orderId, styleId, position }) => {
  const plan = planStyle(styleId, position);
  await store.savePlan(orderId, plan);
  return plan;
});
