import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { calendarDate, periodId, versionParam } from '../../domain/primitives.ts';
import { scorecardSchema } from '../../reports/scorecard.ts';
import type { Services } from '../../services/index.ts';

const periodParams = z.strictObject({
  period: periodId.describe('2015-H1, 2015 or 2015-01-01..2015-03-31'),
});
const version = versionParam;

/** Transparency reports: the JSON data (draft or frozen), standards scorecard, versions, freeze, correct, diff. */
export function reportRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/reports/:period',
      {
        schema: {
          params: periodParams,
          querystring: z.strictObject({
            version: version.optional().describe('a frozen version; the draft from today’s record if absent'),
            publication_date: calendarDate.optional(),
          }),
          tags: ['reports'],
        },
      },
      async (req) => {
        if (req.query.version !== undefined)
          return (await services.reports.version(req.actor, req.params.period, req.query.version)).data;
        const draft = await services.reports.build(req.actor, req.params.period, {
          publicationDate: req.query.publication_date,
        });
        return draft.data;
      },
    );

    app.get(
      '/reports/:period/standards',
      {
        schema: {
          params: periodParams,
          querystring: z.strictObject({
            version: version
              .optional()
              .describe('score a frozen version; the draft from today’s record if absent'),
            publication_date: calendarDate.optional(),
          }),
          response: {
            200: scorecardSchema.extend({
              period: periodId,
              version: z
                .number()
                .int()
                .min(1)
                .nullable()
                .describe('the frozen version scored; null for the draft'),
            }),
          },
          description:
            'The standards scorecard (docs/reports.md, "Standards scorecard"): each element of each standard disclosed, not collected, not applicable or not disclosed, and where in the report.',
          tags: ['reports'],
        },
      },
      async (req) =>
        services.reports.standards(req.actor, req.params.period, {
          version: req.query.version,
          publicationDate: req.query.publication_date,
        }),
    );

    app.get(
      '/reports/:period/versions',
      { schema: { params: periodParams, tags: ['reports'] } },
      async (req) => {
        const versions = await services.reports.frozenVersions(req.actor, req.params.period);
        return {
          items: versions.map((v) => ({
            period: v.period,
            number: v.number,
            frozen_at: v.frozen_at,
            audit_head: v.audit_head,
            file_hashes: v.file_hashes,
            changelog: v.data.version.changelog,
          })),
        };
      },
    );

    app.post(
      '/reports/:period/freeze',
      {
        schema: {
          params: periodParams,
          body: z
            .strictObject({
              publication_date: z
                .string()
                .regex(/^\d{4}-\d{2}-\d{2}$/)
                .optional()
                .describe('fixes the national-security windows (default: today)'),
              allow_partial: z
                .string()
                .trim()
                .min(1)
                .max(2000)
                .optional()
                .describe(
                  'why a period that has not ended is frozen already; the report says "partial period"',
                ),
            })
            .nullish(),
          tags: ['reports'],
        },
      },
      async (req, reply) => {
        const v = await services.reports.freeze(req.actor, req.params.period, {
          allowPartial: req.body?.allow_partial,
          publicationDate: req.body?.publication_date,
        });
        return reply
          .status(201)
          .send({ period: v.period, number: v.number, frozen_at: v.frozen_at, file_hashes: v.file_hashes });
      },
    );

    app.post(
      '/reports/:period/correct',
      {
        schema: {
          params: periodParams,
          body: z.strictObject({
            reason: z.string().trim().min(1).max(2000).describe('why the report is corrected'),
            method: z.string().trim().min(1).max(2000).describe('how the new figures were obtained'),
            what: z.string().trim().min(1).max(4000).optional(),
            allow_partial: z.string().trim().min(1).max(2000).optional(),
            approve_ns_disclosure: z
              .string()
              .trim()
              .min(1)
              .max(2000)
              .optional()
              .describe(
                "counsel's reason to publish a correction revealing a national-security move (admin)",
              ),
          }),
          tags: ['reports'],
        },
      },
      async (req, reply) => {
        const v = await services.reports.correct(req.actor, req.params.period, {
          why: req.body.reason,
          method: req.body.method,
          what: req.body.what,
          allowPartial: req.body.allow_partial,
          approveNsDisclosure: req.body.approve_ns_disclosure,
        });
        return reply.status(201).send({
          period: v.period,
          number: v.number,
          frozen_at: v.frozen_at,
          changes: v.data.tables.changes,
        });
      },
    );

    app.get(
      '/reports/:period/diff',
      {
        schema: {
          params: periodParams,
          querystring: z.strictObject({ from: version, to: version }),
          tags: ['reports'],
        },
      },
      async (req) => ({
        changes: await services.reports.diff(req.actor, req.params.period, req.query.from, req.query.to),
      }),
    );
  };
}
