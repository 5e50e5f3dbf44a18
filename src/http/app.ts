import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Services } from '../services/index.ts';
import { authenticate } from './auth.ts';
import { errorHandler } from './errors.ts';
import { registerInputGuards } from './input.ts';
import { portalRoutes } from './routes/portal.ts';
import { commentRoutes } from './routes/comments.ts';
import { documentRoutes } from './routes/documents.ts';
import { noticeRoutes } from './routes/notices.ts';
import { reportRoutes } from './routes/reports.ts';
import { requestRoutes } from './routes/requests.ts';
import { userRoutes } from './routes/users.ts';
import { workflowRoutes } from './routes/workflow.ts';
import { webApp, webNotFound } from '../web/web-app.ts';
import { portalApp, portalNotFound } from '../web/portal/portal-app.ts';

export interface AppOptions {
  config: Config;
  services: Services;
  /** Log requests (to stdout, or to the given stream). */
  logger?: boolean | { stream: NodeJS.WritableStream };
}

/**
 * What a request log line says about a request: the method and the route's pattern (`/setup/:token`,
 * `/requests/:id`), never the path or query string as sent, which can hold a one-time token, an account
 * reference or a search term.
 */
export const LOG_SERIALIZERS = {
  req: (req: FastifyRequest) => ({
    method: req.method,
    route: req.routeOptions?.url ?? '(no route)',
    remoteAddress: req.ip,
  }),
};

/** Builds the HTTP application: JSON API under /api/v1 (token auth), OpenAPI at /api/docs. */
export async function buildApp({ config, services, logger = false }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger
      ? {
          level: config.logLevel,
          serializers: LOG_SERIALIZERS,
          ...(typeof logger === 'object' ? { stream: logger.stream } : {}),
        }
      : false,
    // Behind a reverse proxy, trust X-Forwarded-For/-Proto: the client address drives the sign-in rate
    // limit and https decides the Secure cookie flag. Off by default so a client cannot spoof either.
    trustProxy: config.trustProxy,
    bodyLimit: 5 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  registerInputGuards(app);
  app.setNotFoundHandler((req, reply) =>
    req.url.startsWith('/api/')
      ? reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url}` } })
      : req.url === '/portal' || req.url.startsWith('/portal/') || req.url.startsWith('/portal?')
        ? portalNotFound(config, req, reply)
        : webNotFound(req, reply),
  );

  // Uploads stream through (never buffered): the services count the bytes and refuse past
  // CANDOR_DOCUMENT_MAX_BYTES, so busboy's own limit sits one byte above to let that message through.
  await app.register(multipart, {
    limits: { fileSize: config.documentMaxBytes + 1, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 25 },
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Candor API',
        version: '1',
        description: 'Government requests for customer information, and transparency reports.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  await app.register(
    async (api) => {
      api.addHook('onRequest', async (req) => authenticate(services, req));
      await api.register(requestRoutes(services));
      await api.register(workflowRoutes(services));
      await api.register(noticeRoutes(services));
      await api.register(reportRoutes(services));
      await api.register(documentRoutes(services));
      await api.register(commentRoutes(services));
      await api.register(portalRoutes(services));
      api.get('/me', async (req) => ({
        label: req.actor.label,
        role: req.actor.role,
        restricted: await services.users.seesRestricted(req.actor),
      }));
      await api.register(userRoutes(services));
      api.get('/audit/verify', async (req) => services.audit.verify(req.actor));
    },
    { prefix: '/api/v1' },
  );

  // The agency portal (docs/portal.md): a realm of its own under /portal.
  await app.register(portalApp, { services, config });

  // The legal team's web app: pages outside /api/v1, signed in with a session cookie.
  await app.register(webApp, { services, config });

  app.get('/healthz', async () => ({ ok: true }));
  return app;
}
