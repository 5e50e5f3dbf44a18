import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { textProblem } from '../domain/primitives.ts';
import type { WebSession } from '../services/auth.ts';
import type { Action } from '../services/authorize.ts';
import type { Services } from '../services/index.ts';
import { Form } from './forms.tsx';
import type { Html } from '../html/jsx-runtime.ts';
import type { PageContext } from './layout.tsx';

export const SESSION_COOKIE = 'candor_session';
/** Holds the pending session between the password and the second-factor step. */
export const PENDING_COOKIE = 'candor_pending';
/** Carries the sealed state, nonce and PKCE verifier of a single sign-on in progress (SameSite=Lax). */
export const OIDC_COOKIE = 'candor_oidc';
/** Double-submit token for forms shown before sign-in (sign-in, setup): blocks login CSRF. */
export const PRE_COOKIE = 'candor_pre';
/** The largest form body the web app accepts (urlencoded, as the browser sends it); larger is refused (413). */
export const FORM_BODY_LIMIT = 1024 * 1024;

/** Everything a page handler may use. */
export interface WebContext {
  req: FastifyRequest;
  reply: FastifyReply;
  services: Services;
  config: Config;
  /** The signed-in session; null on public pages. */
  session: WebSession | null;
  /** A signed-in session (throws on public pages, which never call it). */
  actor: WebSession['actor'];
  page: PageContext;
  params: Record<string, string>;
  query: Form;
  /** The parsed form body of a POST (empty for GET); for an upload, the fields sent before the file. */
  form: Form;
  /** The file of an upload route (multipart), not yet read: the handler streams it to a service. */
  upload: { name: string; file: Readable } | null;
  cookies: Map<string, string>;
  ip: string;
  userAgent: string | undefined;
  /** HttpOnly, SameSite=Strict (Lax with `lax`: only for a cookie that must survive a cross-site return). */
  setCookie(name: string, value: string, maxAgeSeconds?: number, opts?: { lax?: boolean }): void;
  clearCookie(name: string): void;
}

export type WebResult =
  | Html
  | { redirect: string }
  | { status: number; html: Html }
  | { json: unknown }
  /** A download (report files); the handler sets Content-Disposition. */
  | { body: Buffer; type: string }
  /** A stored document or production, streamed as an attachment (http/download.ts). */
  | { download: { name: string; mediaType: string; size?: number; stream: Readable } };

/** One page or form endpoint. `access`: who may reach it; the services check again. */
export interface WebRoute {
  method: 'GET' | 'POST';
  path: string;
  access: 'public' | 'signed_in' | Action;
  /**
   * A file upload (multipart/form-data, the file last): the fields before the file, `_csrf` among them, are
   * read and checked first; the file is handed over unread, to be streamed.
   */
  upload?: boolean;
  handler: (c: WebContext) => Promise<WebResult>;
}

export const redirect = (to: string) => ({ redirect: to });

/** Parses the Cookie header (no cookie plugin is installed). */
export function readCookies(header: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    // A value that does not decode (`%E0%A4%A`) is ignored, as if the cookie were absent: a stale or
    // tampered cookie then leads to the sign-in page, never to an error.
    let v: string;
    try {
      v = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      continue;
    }
    if (!m.has(k) && !textProblem(v)) m.set(k, v);
  }
  return m;
}

/**
 * The address links the server hands out (password links) start with: CANDOR_PUBLIC_URL, or the address
 * the server was configured to listen on. Never taken from the request (its Host header is the client's).
 */
export function publicBaseUrl(config: Config): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, '');
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

/** Only same-site relative paths are followed after sign-in (no open redirect). */
export function safeNext(next: string): string {
  // Printable ASCII only: a control character (or any non-ASCII) cannot go into a Location header.
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}
