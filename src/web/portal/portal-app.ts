import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { CandorError, ERROR_CODES } from '../../errors.ts';
import type { Services } from '../../services/index.ts';
import { sendDownload } from '../../http/download.ts';
import { FORM_BODY_LIMIT, readCookies, type WebResult } from '../context.ts';
import { Form } from '../forms.tsx';
import { Html, renderDocument } from '../../html/jsx-runtime.ts';
import { PORTAL_COOKIE, PORTAL_PRE_COOKIE, type PortalContext, type PortalPage } from './context.ts';
import { PortalError } from './layout.tsx';
import { PORTAL_ROUTES } from './routes.ts';

/** The portal's headers: no script at all, no framing, no referrer, nothing cached. */
export const PORTAL_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

const CSS = readFileSync(new URL('../static/portal.css', import.meta.url));

const sameToken = (a: string, b: string) =>
  a.length === b.length && a.length > 0 && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function send(reply: FastifyReply, result: WebResult): FastifyReply {
  if (result instanceof Html) return reply.type('text/html; charset=utf-8').send(renderDocument(result));
  if ('redirect' in result) return reply.redirect(result.redirect, 303);
  if ('download' in result) return sendDownload(reply, result.download);
  if ('status' in result)
    return reply.status(result.status).type('text/html; charset=utf-8').send(renderDocument(result.html));
  return reply.status(404).send();
}

const bare = (config: Config, path: string): PortalPage => ({
  csrf: '',
  officer: null,
  path,
  providerName: config.providerName,
});

/** A portal page for a path nothing answers: the portal's own frame, no hint of the legal team's app. */
export function portalNotFound(config: Config, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  for (const [k, v] of Object.entries(PORTAL_HEADERS)) reply.header(k, v);
  return send(reply, {
    status: 404,
    html: PortalError({
      page: bare(config, '/portal'),
      status: 404,
      message: 'There is no page at this address.',
    }),
  });
}

/**
 * The agency portal under /portal: its own session cookie (path /portal), its own CSRF tokens, a CSP that
 * allows no script, and errors in its own words. A staff session means nothing here.
 */
export async function portalApp(app: FastifyInstance, opts: { services: Services; config: Config }) {
  const { services, config } = opts;
  const portal = services.portal;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_req, body, done) => done(null, Form.parse(body as string)),
  );
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) req.log.error(err);
    return send(reply.header('connection', 'close'), {
      status,
      html: PortalError({
        page: bare(config, '/portal'),
        status,
        message:
          status === 413
            ? 'What you sent was too large, so nothing was done.'
            : status === 500
              ? 'Something went wrong; nothing was recorded. Try again later.'
              : 'The request could not be read.',
      }),
    });
  });
  app.addHook('onSend', async (_req, reply) => {
    for (const [k, v] of Object.entries(PORTAL_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
  });
  app.get('/portal/static/portal.css', async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(CSS),
  );

  async function handle(req: FastifyRequest, reply: FastifyReply, route: (typeof PORTAL_ROUTES)[number]) {
    const cookies = readCookies(req.headers.cookie);
    const cookie = (name: string, value: string, maxAge?: number) => {
      const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/portal', 'HttpOnly', 'SameSite=Strict'];
      if (maxAge !== undefined) parts.push(`Max-Age=${maxAge}`);
      if (req.protocol === 'https') parts.push('Secure');
      const prev = reply.getHeader('set-cookie');
      reply.header('set-cookie', [
        ...(Array.isArray(prev) ? prev : prev ? [String(prev)] : []),
        parts.join('; '),
      ]);
    };
    const token = cookies.get(PORTAL_COOKIE);
    const session = await portal.sessions.session(token);
    let pre = cookies.get(PORTAL_PRE_COOKIE) ?? '';
    if (!session && !/^[A-Za-z0-9_-]{43}$/.test(pre)) {
      pre = randomBytes(32).toString('base64url');
      cookie(PORTAL_PRE_COOKIE, pre);
    }
    const signedIn = session?.stage === 'signed_in' ? session : null;
    const page: PortalPage = {
      csrf: session ? session.csrf : pre,
      officer: signedIn?.officer ?? null,
      path: req.url.split('?')[0] ?? '/portal',
      providerName: config.providerName,
    };
    let form = req.body instanceof Form ? req.body : new Form();
    let upload: PortalContext['upload'] = null;
    if (route.upload && route.method === 'POST' && req.isMultipart()) {
      const part = await req.file().catch(() => undefined);
      const fields = new Map<string, string[]>();
      for (const [k, v] of Object.entries(part?.fields ?? {}))
        for (const f of Array.isArray(v) ? v : [v])
          if (f && f.type === 'field') fields.set(k, [...(fields.get(k) ?? []), String(f.value)]);
      form = new Form(fields);
      if (part && part.filename) upload = { name: part.filename, file: part.file };
      else part?.file.resume();
      reply.header('connection', 'close');
    }
    const c: PortalContext = {
      services,
      config,
      session,
      get officer() {
        if (!signedIn) throw new CandorError('unauthenticated', 'sign in first');
        return signedIn.officer;
      },
      page,
      params: (req.params ?? {}) as Record<string, string>,
      query: Form.fromQuery(req.query),
      form,
      upload,
      ip: req.ip,
      token,
      setSession: (t) => (t === null ? cookie(PORTAL_COOKIE, '', 0) : cookie(PORTAL_COOKIE, t)),
    };
    const fail = (status: number, message: string) => {
      upload?.file.resume();
      return send(reply, { status, html: PortalError({ page, status, message }) });
    };

    if (route.method === 'POST') {
      if (!(req.body instanceof Form) && !(route.upload && req.isMultipart()))
        return fail(400, 'Expected a form.');
      if (!sameToken(form.get('_csrf'), page.csrf))
        return fail(
          403,
          'This form has expired or did not come from this portal. Go back, reload the page and try again.',
        );
    }
    if (route.access === 'signed_in' && !signedIn) {
      if (session)
        return send(reply, { redirect: session.stage === 'enrol' ? '/portal/enrol' : '/portal/code' });
      return route.method === 'GET'
        ? send(reply, { redirect: '/portal/sign-in' })
        : fail(403, 'Your session has ended. Sign in again.');
    }
    if (route.access === 'pending' && (!session || session.stage === 'signed_in'))
      return send(reply, { redirect: session ? '/portal' : '/portal/sign-in' });
    try {
      return send(reply, await route.handler(c));
    } catch (e) {
      upload?.file.resume();
      if (e instanceof CandorError) {
        if (e.code === 'unauthenticated') return send(reply, { redirect: '/portal/sign-in' });
        return fail(ERROR_CODES[e.code].http, e.message);
      }
      req.log.error(e);
      return fail(500, 'Something went wrong; it was written to the server log. Try again later.');
    }
  }

  for (const route of PORTAL_ROUTES) {
    app.route({ method: route.method, url: route.path, handler: (req, reply) => handle(req, reply, route) });
  }
}
