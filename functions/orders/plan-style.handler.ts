import { planStyle, type StylePlan } from '#shared/orders';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { taskHandler } from '#lib/task-handler';
import { type Orders, OrderStore } from './order-store';

export interface PlanStyleInput {
  readonly orderId: string;
  readonly styleId: string;
  readonly position: number;
}

/** One Map iteration: plans the prompt and batches for a style, as the order took it, and stores the plan (idempotent put). */
export const planStyleHandler = ({ orders: store }: { readonly orders: Orders }) =>
  taskHandler<PlanStyleInput, StylePlan>(async ({ orderId, styleId, position }) => {
    const order = await store.get(orderId);
    const style = order?.styleDetails.find((s) => s.styleId === styleId);
    if (!style) throw new Error(`Order ${orderId} has no style ${styleId}`);
    const plan = planStyle(style, position);
    await store.savePlan(orderId, plan);
    return plan;
  });

export const handler = planStyleHandler({ orders: new OrderStore(ddb(), requireEnv('Table')) });
