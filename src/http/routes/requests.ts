import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestInput, requestPatch } from '../../domain/request-input.ts';
import { OUTCOMES, PROCESS_TYPES, REQUEST_STATUSES } from '../../domain/vocabulary.ts';
import { calendarDate, INT4_MAX, recordId } from '../../domain/primitives.ts';
import type { Services } from '../../services/index.ts';

/** A comma-separated list of enum values in a query string. */
const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)))
    .optional();

export const listQuery = z.strictObject({
  status: csvOf(REQUEST_STATUSES),
  process_type: csvOf(PROCESS_TYPES),
  country: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()))
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'expected ISO 3166-1 alpha-2 codes')))
    .optional(),
  outcome: csvOf([...OUTCOMES, 'none'] as const),
  received_from: calendarDate.optional().describe('inclusive, YYYY-MM-DD (UTC)'),
  received_to: calendarDate.optional().describe('inclusive, YYYY-MM-DD (UTC)'),
  q: z.string().trim().min(1).max(200).optional().describe('prefix of the external reference or agency name'),
  sort: z.enum(['received_at', 'external_ref']).default('received_at'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

const idParams = z.strictObject({ id: recordId });

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();

export function requestRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/requests', { schema: { querystring: listQuery, tags: ['requests'] } }, async (req) => {
      const q = req.query;
      return services.requests.list(req.actor, {
        filter: {
          status: q.status,
          processType: q.process_type,
          country: q.country,
          outcome: q.outcome,
          receivedFrom: q.received_from ? `${q.received_from}T00:00:00Z` : undefined,
          receivedTo: q.received_to ? nextDay(q.received_to) : undefined,
          q: q.q,
        },
        limit: q.limit,
        cursor: q.cursor,
        sort: q.sort,
        dir: q.dir,
      });
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
