import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

/** One message to send; the Message-ID is ours and stable, so a resent notice is recognisably the same. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  /** The Date header; the worker passes its clock so the bytes are reproducible. */
  date?: Date;
}

export interface Mailer {
  /** Where messages go, for messages to the operator: "smtp://host:port" or the outbox folder. */
  describe: string;
  /** Resolves once the message is accepted (by the SMTP server, or written to disk); rejects otherwise. */
  send(m: OutgoingMail): Promise<void>;
  close(): void;
}

/** An SMTP refusal with its reply code: 5xx is permanent (retrying cannot help), anything else may pass later. */
export function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Could the message have been delivered although sending failed? Not when the server answered with a
 * refusal (it said it did not take the message), nor when the session never got as far as the message
 * (no connection, no TLS, no login, an envelope refused). Any other failure (the connection lost or timed
 * out while the message was on its way, an error of unknown kind) may have come after the server accepted
 * it: the worker then asks a person instead of sending again.
 */
export function mayHaveBeenDelivered(err: unknown): boolean {
  const e = err as { responseCode?: unknown; code?: unknown; syscall?: unknown; command?: unknown };
  if (typeof e?.responseCode === 'number') return false;
  if (e?.syscall === 'connect' || e?.syscall === 'getaddrinfo') return false;
  if (
    typeof e?.code === 'string' &&
    ['EDNS', 'EAUTH', 'ETLS', 'EENVELOPE', 'EMESSAGE', 'ENOENT', 'EACCES', 'ENOSPC'].includes(e.code)
  )
    return false;
  if (
    typeof e?.command === 'string' &&
    /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL FROM|RCPT TO|API)/.test(e.command) &&
    e.code !== 'ECONNECTION' &&
    e.code !== 'ETIMEDOUT'
  )
    return false;
  return true;
}

/** The file an .eml message is written to, named after its Message-ID so a resend replaces, not adds. */
export function emlFileName(messageId: string): string {
  return `${messageId
    .replace(/^<|>$/g, '')
    .replace(/@.*$/, '')
    .replace(/[^A-Za-z0-9._-]/g, '_')}.eml`;
}

/**
 * SMTP through nodemailer when CANDOR_SMTP_URL is set; otherwise each message is written as an RFC 5322
 * `.eml` file under `<dataDir>/outbox/`, built by nodemailer's stream transport so both paths produce the
 * same bytes. Timeouts are short because the worker's lease must outlast one send.
 */
export function createMailer(config: Config): Mailer {
  const mail = (m: OutgoingMail) => ({
    from: config.mailFrom,
    to: m.to,
    subject: m.subject,
    text: m.text,
    messageId: m.messageId,
    ...(m.date ? { date: m.date } : {}),
  });
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl, {
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    } as object);
    const url = new URL(config.smtpUrl);
    return {
      describe: `${url.protocol}//${url.host}`,
      async send(m) {
        await transport.sendMail(mail(m));
      },
      close: () => transport.close(),
    };
  }
  const dir = path.join(config.dataDir, 'outbox');
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    describe: dir,
    async send(m) {
      const info = await builder.sendMail(mail(m));
      // Notices name customers: the outbox is private to the server's user (0700, files 0600).
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      const file = path.join(dir, emlFileName(m.messageId));
      // Write then rename, so a reader never sees half a message.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, info.message as Buffer, { mode: 0o600 });
      await rename(tmp, file);
    },
    close: () => builder.close(),
  };
}
