import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { CandorError, ERROR_CODES } from '../errors.ts';
import { can } from '../services/authorize.ts';
import type { Services } from '../services/index.ts';
import {
  FORM_BODY_LIMIT,
  PRE_COOKIE,
  readCookies,
  SESSION_COOKIE,
  type WebContext,
  type WebResult,
} from './context.ts';
import { Form } from './forms.tsx';
import { Html, renderDocument } from '../html/jsx-runtime.ts';
import type { PageContext } from './layout.tsx';
import { sendDownload } from '../http/download.ts';
import { utf8Body } from '../http/input.ts';
import { databaseFault } from '../db/errors.ts';
import { recordId } from '../domain/primitives.ts';
import { ErrorPage } from './pages/errors.tsx';
import { WEB_ROUTES } from './routes.ts';

/** Sent with every web response: no inline script or style, no framing, no referrer, no sniffing. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

const STATIC: Record<string, { type: string; body: Buffer }> = {
  '/static/app.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('./static/app.css', import.meta.url)),
  },
  '/static/app.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('./static/app.js', import.meta.url)),
  },
};

/** What a password session that must enrol a second factor may reach. */
const ENROLMENT_PATHS = new Set(['/account/totp', '/logout', '/static/app.css', '/static/app.js']);

const isRecordId = (v: string) => /^\d{1,10}$/.test(v) && recordId.safeParse(v).success;

const sameToken = (a: string, b: string) =>
  a.length === b.length && a.length > 0 && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function send(reply: FastifyReply, result: WebResult): FastifyReply {
  if (result instanceof Html) return reply.type('text/html; charset=utf-8').send(renderDocument(result));
  if ('redirect' in result) return reply.redirect(result.redirect, 303);
  if ('json' in result) return reply.type('application/json').send(JSON.stringify(result.json));
  if ('body' in result) return reply.type(result.type).send(result.body);
  if ('download' in result) return sendDownload(reply, result.download);
  return reply.status(result.status).type('text/html; charset=utf-8').send(renderDocument(result.html));
}

/**
 * The legal team's web app: server-rendered pages outside /api/v1, signed in with a session cookie.
 * Every POST carries the session's CSRF token (or, before sign-in, the double-submit token).
 */
export async function webApp(app: FastifyInstance, opts: { services: Services; config: Config }) {
  const { services, config } = opts;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: FORM_BODY_LIMIT },
    (_req, body, done) => {
      try {
        done(null, Form.parse(utf8Body(body as Buffer, 'form')));
      } catch (e) {
        done(e as Error, undefined);
      }
    },
  );

  // A form too large to read (a long paste) is refused before any page runs: say so on a page, not in JSON.
  // Input refused before any page runs (a form that is not UTF-8, a NUL in a query) is answered on a page too.
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const page = { session: null, csrf: '', path: req.url.split('?')[0] ?? '/' };
    if (err instanceof CandorError) {
      const status = ERROR_CODES[err.code].http;
      return send(reply, { status, html: ErrorPage({ ctx: page, status, message: err.message }) });
    }
    if (err.statusCode !== 413) throw err;
    const limit = `${FORM_BODY_LIMIT / 1024 / 1024} MiB`;
    return send(reply.header('connection', 'close'), {
      status: 413,
      html: ErrorPage({
        ctx: page,
        status: 413,
        message: `The form was larger than the ${limit} the web app accepts, so nothing was done. Go back and send less at a time (a large contact list: split it, or use candor contact import FILE).`,
      }),
    });
  });

  app.addHook('onSend', async (_req, reply) => {
    // A download sets its own, stricter CSP (a sandbox); everything else gets the page policy.
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  for (const [path, file] of Object.entries(STATIC)) {
    app.get(path, async (_req, reply) =>
      reply.header('cache-control', 'public, max-age=3600').type(file.type).send(file.body),
    );
  }

  function secure(req: FastifyRequest): boolean {
    return req.protocol === 'https';
  }

  function pageContext(req: FastifyRequest, c: Partial<WebContext>, csrf: string): PageContext {
    return { session: c.session ?? null, csrf, path: req.url.split('?')[0] ?? '/' };
  }

  async function handle(req: FastifyRequest, reply: FastifyReply, route: (typeof WEB_ROUTES)[number]) {
    const cookies = readCookies(req.headers.cookie);
    const setCookie = (name: string, value: string, maxAge?: number, opts?: { lax?: boolean }) => {
      const parts = [
        `${name}=${encodeURIComponent(value)}`,
        'Path=/',
        'HttpOnly',
        opts?.lax ? 'SameSite=Lax' : 'SameSite=Strict',
      ];
      if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
      if (secure(req)) parts.push('Secure');
      const prev = reply.getHeader('set-cookie');
      reply.header('set-cookie', [
        ...(Array.isArray(prev) ? prev : prev ? [String(prev)] : []),
        parts.join('; '),
      ]);
    };
    const badParam = Object.entries((req.params ?? {}) as Record<string, string>).find(
      ([k, v]) => /(^id|Id)$/.test(k) && !isRecordId(v),
    );
    if (badParam) {
      const page = pageContext(req, {}, '');
      const message = `There is no such record: ${badParam[0]} must be a whole number from 1.`;
      return send(reply, { status: 404, html: ErrorPage({ ctx: page, status: 404, message }) });
    }
    const session = await services.auth.session(cookies.get(SESSION_COOKIE));
    const signedIn = session?.stage === 'signed_in' ? session : null;

    // Forms shown before sign-in carry a double-submit token from a cookie this server set.
    let pre = cookies.get(PRE_COOKIE) ?? '';
    if (!signedIn && !/^[A-Za-z0-9_-]{43}$/.test(pre)) {
      pre = randomBytes(32).toString('base64url');
      setCookie(PRE_COOKIE, pre);
    }
    const csrf = signedIn ? signedIn.csrf : pre;
    let form = req.body instanceof Form ? req.body : new Form();
    let upload: WebContext['upload'] = null;
    if (route.upload && route.method === 'POST' && req.isMultipart()) {
      // The fields before the file (the CSRF token first of all) are parsed; the file is not read yet.
      const part = await req.file().catch(() => undefined);
      const fields = new Map<string, string[]>();
      for (const [k, v] of Object.entries(part?.fields ?? {}))
        for (const f of Array.isArray(v) ? v : [v])
          if (f && f.type === 'field') fields.set(k, [...(fields.get(k) ?? []), String(f.value)]);
      form = new Form(fields);
      if (part) upload = { name: part.filename, file: part.file };
      // A refused upload is answered before the file is read: the connection closes after the answer.
      reply.header('connection', 'close');
    }
    const c: WebContext = {
      req,
      reply,
      services,
      config,
      session: signedIn,
      get actor() {
        if (!signedIn) throw new CandorError('unauthenticated', 'sign in first');
        return signedIn.actor;
      },
      page: pageContext(req, { session: signedIn }, csrf),
      params: (req.params ?? {}) as Record<string, string>,
      query: Form.fromQuery(req.query),
      form,
      upload,
      cookies,
      ip: req.ip,
      userAgent: req.headers['user-agent'],
      setCookie,
      clearCookie: (name) => setCookie(name, '', 0),
    };

    const fail = (status: number, message: string) =>
      send(reply, { status, html: ErrorPage({ ctx: c.page, status, message }) });

    if (route.method === 'POST') {
      if (!(req.body instanceof Form) && !(route.upload && req.isMultipart()))
        return fail(400, 'expected a form submission');
      if (!sameToken(form.get('_csrf'), csrf)) {
        return fail(
          403,
          'This form has expired or did not come from this site. Go back, reload the page and try again.',
        );
      }
    }
    if (route.access !== 'public' && !signedIn) {
      if (route.method === 'GET') {
        const next = req.url === '/' ? '' : `?next=${encodeURIComponent(req.url)}`;
        return send(reply, { redirect: `/login${next}` });
      }
      return fail(403, 'Your session has ended. Sign in again.');
    }
    // A local account without the second factor an admin requires reaches only the enrolment page.
    if (signedIn?.mustEnrol && !ENROLMENT_PATHS.has(route.path)) {
      if (route.method === 'GET') return send(reply, { redirect: '/account/totp?required=1' });
      return fail(403, 'An administrator requires a second factor for your account: set one up first.');
    }
    if (
      signedIn &&
      route.access !== 'public' &&
      route.access !== 'signed_in' &&
      !can(signedIn.actor, route.access)
    ) {
      return fail(403, `The ${signedIn.actor.role} role may not open this page.`);
    }
    try {
      return send(reply, await route.handler(c));
    } catch (e0) {
      const e = databaseFault(e0) ?? e0;
      if (e !== e0) req.log.warn({ err: e0 }, 'database refused a request');
      if (e instanceof CandorError) {
        if (e.code === 'unauthenticated') return send(reply, { redirect: '/login' });
        return fail(ERROR_CODES[e.code].http, e.message);
      }
      req.log.error(e);
      return fail(500, 'An unexpected error happened; it was written to the server log.');
    }
  }

  for (const route of WEB_ROUTES) {
    app.route({ method: route.method, url: route.path, handler: (req, reply) => handle(req, reply, route) });
  }
}

/** The 404 page for paths outside the API (the API answers JSON). */
export function webNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  const page = { session: null, csrf: '', path: req.url.split('?')[0] ?? '/' };
  return send(reply, {
    status: 404,
    html: ErrorPage({ ctx: page, status: 404, message: 'There is no page at this address.' }),
  });
}
