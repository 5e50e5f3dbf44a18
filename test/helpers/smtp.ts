import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Arrival {
  messageId: string;
  to: string[];
  raw: string;
}

/** What the server answers to the nth message it is handed (1-based): null accepts it. */
export type Refusal = (n: number) => { code: number; message: string } | null;

/**
 * A real SMTP server on 127.0.0.1 (random port) that records what actually arrived. `refuse` lets a test
 * make it turn messages away, as a real server does when it is busy (4xx) or the mailbox is gone (5xx).
 */
export async function startSmtp() {
  const arrivals: Arrival[] = [];
  let handed = 0;
  let refuse: Refusal = () => null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        handed++;
        const refusal = refuse(handed);
        if (refusal) {
          callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        arrivals.push({
          messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals,
    /** How many messages the server was handed, accepted or not. */
    handed: () => handed,
    refuseWith(r: Refusal) {
      refuse = r;
    },
    reset() {
      arrivals.length = 0;
      handed = 0;
      refuse = () => null;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type TestSmtp = Awaited<ReturnType<typeof startSmtp>>;
