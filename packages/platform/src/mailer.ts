import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';

/** One plain-text e-mail. */
export interface MailMessage {
  /** Recipient address. */
  to: string;
  /** Subject line. */
  subject: string;
  /** Plain-text body. */
  text: string;
}

/** What the platform needs to send mail: SMTP in production, `.eml` files by default. */
export interface Mailer {
  /** Sends (or writes) one message. */
  send(message: MailMessage): Promise<void>;
  /** Closes the transport. */
  close(): void;
}

/** Options of {@link createMailer}. */
export interface MailerOptions {
  /** smtp:// or smtps:// URL; unset writes `.eml` files into `mailDir`. */
  smtpUrl: string | undefined;
  /** Directory of the `.eml` files (created on the first message). */
  mailDir: string;
  /** The From header. */
  from: string;
}

/**
 * SMTP when `smtpUrl` is set, else a transport writing each message as an RFC 5322 `.eml` file
 * (CRLF line ends) named `<ISO time>-<uuid>.eml` in `mailDir`.
 *
 * @example
 * ```ts
 * import { createMailer } from '@portalkit/platform';
 *
 * const mailer = createMailer({ smtpUrl: undefined, mailDir: './data/mail', from: 'app <no-reply@example.com>' });
 * await mailer.send({ to: 'ada@example.com', subject: 'Hello', text: 'It works.' });
 * ```
 */
export function createMailer(options: MailerOptions): Mailer {
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      send: async (message) => {
        await transport.sendMail({ from: options.from, ...message });
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    send: async (message) => {
      const info = await transport.sendMail({ from: options.from, ...message });
      await mkdir(options.mailDir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`;
      await writeFile(join(options.mailDir, name), info.message as Buffer);
    },
    close: () => transport.close(),
  };
}
