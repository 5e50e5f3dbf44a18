import type { Readable } from 'node:stream';
import type { Config } from '../../config.ts';
import type { Officer } from '../../services/portal/common.ts';
import type { PortalSession } from '../../services/portal/sessions.ts';
import type { Services } from '../../services/index.ts';
import type { WebResult } from '../context.ts';
import type { Form } from '../forms.tsx';

/** The agency portal's own cookies: path /portal, so the legal team's app never sees them (and back). */
export const PORTAL_COOKIE = 'candor_portal';
export const PORTAL_PRE_COOKIE = 'candor_portal_pre';

/** What every portal page knows: never a staff session. */
export interface PortalPage {
  csrf: string;
  officer: Officer | null;
  path: string;
  providerName: string;
}

export interface PortalContext {
  services: Services;
  config: Config;
  session: PortalSession | null;
  /** The signed-in officer (throws on public pages, which never call it). */
  officer: Officer;
  page: PortalPage;
  params: Record<string, string>;
  query: Form;
  form: Form;
  upload: { name: string; file: Readable } | null;
  ip: string;
  /** The session cookie's value, when there is one. */
  token: string | undefined;
  /** Sets (a new value) or ends the portal session cookie. */
  setSession(token: string | null): void;
}

/**
 * One portal page or form. `access`: `public`; `pending` (a session between the link and the code); or
 * `signed_in` (link and code done).
 */
export interface PortalRoute {
  method: 'GET' | 'POST';
  path: string;
  access: 'public' | 'pending' | 'signed_in';
  upload?: boolean;
  handler: (c: PortalContext) => Promise<WebResult>;
}
