import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/connect.ts';
import { CandorError } from '../../errors.ts';
import { reserveAttempts } from '../../repositories/sessions-repository.ts';
import { createMailer, type Mailer } from '../mailer.ts';

/** The portal's limits, in one place so docs/portal.md and the tests can quote them. */
export const PORTAL_POLICY = {
  /** One-time links: e-mail verification, and sign-in. */
  verifyLinkHours: 24,
  signInLinkMinutes: 15,
  /** Sessions: between the link and the code, idle, and in any case. */
  pendingMinutes: 10,
  idleMinutes: 30,
  absoluteHours: 8,
  /** Rate limits per hour, counted in the database (shared by every instance). */
  windowMinutes: 60,
  limits: {
    'portal-register-ip': 10,
    'portal-register-domain': 50,
    'portal-register-address': 3,
    'portal-signin-ip': 30,
    'portal-signin-address': 5,
    'portal-totp': 5,
    'portal-submit-user': 20,
    'portal-submit-domain': 200,
    'portal-submit-ip': 30,
    'portal-message-user': 60,
  },
} as const;
export type LimitKind = keyof typeof PORTAL_POLICY.limits;

/** What the portal knows about the signed-in officer: never a staff actor or role. */
export interface Officer {
  id: number;
  email: string;
  name: string;
  agency: string;
  /** The audit label: `portal:<id> (<e-mail>)`. */
  label: string;
}

export const officerLabel = (u: { id: number; email: string }) => `portal:${u.id} (${u.email})`;

export const tooMany = (field: string) =>
  new CandorError('invalid', 'too many attempts', [
    {
      field,
      message: `too many attempts from here or for this address; wait ${PORTAL_POLICY.windowMinutes} minutes and try again`,
    },
  ]);

/**
 * Reserves one attempt under each counter (the sign-in limits' table and statement): refused when any counter
 * is over its hourly limit, before anything else is done.
 */
export async function limit(
  db: Db,
  now: Date,
  keys: Array<[LimitKind, string]>,
  field: string,
): Promise<void> {
  const windowStart = new Date(now.getTime() - PORTAL_POLICY.windowMinutes * 60_000);
  const named = keys.map(([k, v]) => `${k}:${v.toLowerCase().slice(0, 320)}`);
  const counts = await reserveAttempts(db, named, now, windowStart);
  for (const [i, [kind]] of keys.entries()) {
    if ((counts.get(named[i]!) ?? 0) > PORTAL_POLICY.limits[kind]) throw tooMany(field);
  }
}

/** The portal's address in links (CANDOR_PORTAL_URL, or the public address + /portal); never the Host header. */
export function portalBase(config: Config): string {
  if (config.portal.url) return config.portal.url;
  const base = config.publicUrl
    ? config.publicUrl.replace(/\/$/, '')
    : `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  return `${base}/portal`;
}

/** Sends the portal's e-mails (links, status changes) through the configured mailer. */
export function portalMail(deps: { config: Config; mailer?: Mailer }) {
  let m: Mailer | undefined = deps.mailer;
  return async (to: string, subject: string, lines: string[]): Promise<void> => {
    m ??= createMailer(deps.config);
    await m.send({
      to,
      subject: `${subject} · ${deps.config.providerName}`,
      text: `${lines.join('\n')}\n\n-- \n${deps.config.providerName} law enforcement portal\n${portalBase(deps.config)}\n`,
      messageId: `<portal-${randomBytes(12).toString('hex')}@candor.invalid>`,
    });
  };
}
export type PortalMail = ReturnType<typeof portalMail>;
