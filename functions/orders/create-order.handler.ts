import { randomUUID } from 'node:crypto';
import { OrganisationStore } from '#functions/organisations/organisation-store';
import { StudioStore, type Studios } from '#functions/studios/studio-store';
import { LedgerStore } from '#functions/wallets/ledger-store';
import { organisationWalletId, spendableWallet, type WalletAccessDeps } from '#functions/wallets/access';
import { apiHandler } from '#lib/api-handler';
import { ddb } from '#lib/clients';
import { requireEnv } from '#lib/env';
import { ApiError } from '#lib/errors';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { createOrder } from '#shared/api/orders';
import { type Orders, OrderStore, toView, TooManyOpenOrdersError } from './order-store';

export interface CreateOrderDeps {
  readonly orders: Orders;
  readonly studios: Pick<Studios, 'get'>;
  /** Decides whether the caller may spend from a wallet they name. */
  readonly wallets: WalletAccessDeps;
}

/**
 * POST /v1/orders — a DRAFT order for styles of one studio, each style copied
 * as it is now (later edits of the studio do not change the order). Photos
 * are uploaded to the draft next; submitting it starts the pipeline.
 */
export const createOrderHandler = ({ orders: store, studios, wallets }: CreateOrderDeps) =>
  apiHandler(createOrder, async ({ body: input, caller }) => {
    // An organisation's API key pays from the organisation's wallet unless the order names another.
    const requested = input.walletId ?? (caller.apiKey?.organisationId && organisationWalletId(caller.apiKey.organisationId));
    // Someone else's wallet, or an organisation's the caller does not belong to, is WALLET_NOT_FOUND.
    const walletId = requested && requested !== caller.sub ? (await spendableWallet(wallets, requested, caller)).walletId : caller.sub;
    const studio = await studios.get(input.studioId);
    if (!studio) throw new ApiError('STUDIO_NOT_FOUND', `No studio "${input.studioId}" exists. Pick a studio from the marketplace.`);
    const unknown = input.styleIds.filter((id) => !studio.styles.some((style) => style.styleId === id));
    if (unknown.length) {
      throw new ApiError(
        'UNKNOWN_STYLE',
        `${studio.studio.name} has no style ${unknown.map((id) => `"${id}"`).join(', ')}. Choose from: ${studio.styles.map((s) => s.styleId).join(', ')}.`,
      );
    }
    const styleDetails = input.styleIds.map((id) => {
      const { styleId, name, backdrop, wardrobe, lighting, prompt, priceCredits, poseSet } = studio.styles.find((style) => style.styleId === id)!;
      // The order keeps the style as it was ordered, its pose set included: a later edit changes no order.
      return { styleId, name, backdrop, wardrobe, lighting, prompt, priceCredits, ...(poseSet && { poseSet }) };
    });
    const order = await store
      .create({
        orderId: randomUUID(),
        customerId: caller.sub,
        studioId: input.studioId,
        studioName: studio.studio.name,
        styleDetails,
        note: input.note,
        walletId,
        ...(input.engine && { engine: input.engine }),
        createdAt: new Date().toISOString(),
      })
      .catch((error: unknown) => {
        if (error instanceof TooManyOpenOrdersError) {
          throw new ApiError('TOO_MANY_OPEN_ORDERS', `You already have ${error.limit} orders in progress. Finish or wait for one of them before starting another.`);
        }
        throw error;
      });
    metrics.addMetric('OrdersCreated', MetricUnit.Count, 1);
    metrics.addMetric('StylesOrdered', MetricUnit.Count, styleDetails.length);
    logger.info('Order created', { orderId: order.orderId, studioId: input.studioId, styles: styleDetails.length });
    return toView(order);
  });

const table = requireEnv('Table');
export const handler = createOrderHandler({
  orders: new OrderStore(ddb(), table),
  studios: new StudioStore(ddb(), table),
  wallets: { ledger: new LedgerStore(ddb(), table), organisations: new OrganisationStore(ddb(), table) },
});
