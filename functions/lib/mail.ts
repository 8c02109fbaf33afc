import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { sesClient } from './clients';
import { requireEnv } from './env';

/** One e-mail: a plain-text and an HTML body of the same message. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends e-mail; handlers take it from their factory, unit tests hand them a fake that records. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Sends through SES v2 from the stage's sender (the `Mail` grant's variable).
 * On the local cloud the same call reaches the local SES, which files the
 * message in the outbox (`infra/local/mail/`).
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: Pick<SESv2Client, 'send'>,
    private readonly from: string,
  ) {}

  async send(message: MailMessage): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}

/** The mailer of a function granted `Mail: 'send'`. */
export function sesMailer(): Mailer {
  return new SesMailer(sesClient(), requireEnv('Mail'));
}
