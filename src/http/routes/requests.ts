import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestInput, requestPatch } from '../../domain/request-input.ts';
import { listOptions, listQuery } from '../../domain/request-list-query.ts';
import { INT4_MAX, recordId } from '../../domain/primitives.ts';
import type { Services } from '../../services/index.ts';

const idParams = z.strictObject({ id: recordId });

export function requestRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/requests', { schema: { querystring: listQuery, tags: ['requests'] } }, async (req) => {
      return services.requests.list(req.actor, listOptions(req.query));
    });

    app.post(
      '/requests',
      {
        schema: {
          body: requestInput,
          querystring: z.strictObject({
            attach: z
              .string()
              .regex(/^\d+(,\d+)*$/, 'expected document ids, comma-separated')
              .transform((s) => s.split(',').map(Number))
              .pipe(z.array(z.number().max(INT4_MAX, `expected document ids no larger than ${INT4_MAX}`)))
              .optional()
              .describe('documents uploaded with POST /documents (the served process) to attach'),
          }),
          tags: ['requests'],
        },
      },
      async (req, reply) => {
        const documentIds = req.query.attach ?? [];
        const created = await services.requests.create(req.actor, req.body, { documentIds });
        return reply.status(201).header('location', `/api/v1/requests/${created.id}`).send(created);
      },
    );

    app.get('/requests/:id', { schema: { params: idParams, tags: ['requests'] } }, async (req) =>
      services.requests.get(req.actor, req.params.id),
    );

    app.patch(
      '/requests/:id',
      { schema: { params: idParams, body: requestPatch, tags: ['requests'] } },
      async (req) => {
        const { version, ...patch } = req.body;
        return services.requests.update(req.actor, req.params.id, version, patch);
      },
    );

    app.get('/requests/:id/audit', { schema: { params: idParams, tags: ['requests'] } }, async (req) => {
      await services.requests.get(req.actor, req.params.id);
      return { events: await services.audit.timeline(req.actor, 'request', req.params.id) };
    });
  };
}
