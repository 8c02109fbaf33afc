import { UserDirectory } from '#functions/accounts/user-directory';
import { cognitoClient, sesClient } from '#lib/clients';
import { type Mailer, SesMailer } from '#lib/mail';
import { logger, metrics, MetricUnit } from '#lib/powertools';
import { type OrderMail, orderMessage } from './order-mail';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What an event of the order's life says, without what every mail carries (the notifier fills those in). */
export type OrderNews = DistributiveOmit<OrderMail, 'to' | 'orderId' | 'studioName' | 'siteUrl' | 'customerName'>;

/** The order a mail is about: whose it is, and their address when the order kept it. */
export interface NotifiedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly customerEmail?: string;
  readonly studioName: string;
}

/** Tells the customer of an order what happened to it, by e-mail. */
export interface CustomerNotifier {
  /** Sends the mail; throws when it could not be sent (the step is retried). Answers false when the customer has no address. */
  tell(order: NotifiedOrder, news: OrderNews): Promise<boolean>;
}

/** The notifier over a mailer and the user pool (for the address of an order that did not keep it). */
export function customerNotifier({ directory, mailer, siteUrl }: { readonly directory: Pick<UserDirectory, 'profile'>; readonly mailer: Mailer; readonly siteUrl: string }): CustomerNotifier {
  return {
    async tell(order, news) {
      const to = order.customerEmail ?? (await directory.profile(order.customerId))?.email;
      if (!to) {
        logger.warn('The customer has no e-mail address; nobody to tell', { orderId: order.orderId, mail: news.type });
        return false;
      }
      await mailer.send(orderMessage({ ...news, to, orderId: order.orderId, studioName: order.studioName, siteUrl } as OrderMail));
      metrics.addDimension('mail', news.type);
      metrics.addMetric('CustomerMailsSent', MetricUnit.Count, 1);
      return true;
    },
  };
}

/**
 * Tells the customer, but a failed send does not undo or repeat the step it
 * follows (the order's new state is what counts; its page shows it): the
 * failure is logged as an error and counted, for an operator to see.
 */
export async function tellQuietly(notifier: CustomerNotifier | undefined, order: NotifiedOrder, news: OrderNews): Promise<void> {
  if (!notifier) return;
  try {
    await notifier.tell(order, news);
  } catch (error) {
    logger.error('Could not e-mail the customer', { orderId: order.orderId, mail: news.type, error: error as Error });
    metrics.addMetric('CustomerMailsFailed', MetricUnit.Count, 1);
  }
}

/**
 * The notifier of a function granted `Mail: 'send'`, `UserPool: 'readUsers'` and `Site: 'link'`,
 * from those grants' variables (the handler reads them, so its file names every variable it needs).
 */
export function customerNotifierOf(env: { readonly userPoolId: string; readonly mailFrom: string; readonly siteUrl: string }): CustomerNotifier {
  return customerNotifier({ directory: new UserDirectory(cognitoClient(), env.userPoolId), mailer: new SesMailer(sesClient(), env.mailFrom), siteUrl: env.siteUrl });
}
