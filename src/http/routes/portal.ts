import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { domainRuleInput, refusalInput } from '../../domain/portal-domains.ts';
import { recordId } from '../../domain/primitives.ts';
import type { Services } from '../../services/index.ts';

const idParams = z.strictObject({ id: recordId });
const acceptBody = z
  .strictObject({
    duplicate_of: recordId.optional().describe('an existing request this submission duplicates'),
  })
  .default({});
const refuseBody = z.strictObject({
  message: z.string().describe('the officer reads it'),
});
const messageBody = z.strictObject({ body: z.string().describe('the officer reads it') });
const releaseBody = z.strictObject({
  production_id: recordId,
  days: z
    .number()
    .int()
    .optional()
    .describe('days it stays downloadable (default CANDOR_PORTAL_RELEASE_DAYS)'),
  max_downloads: z.number().int().optional().describe('default CANDOR_PORTAL_DOWNLOAD_LIMIT'),
});

/** The legal team's side of the agency portal (docs/portal.md): domain rules, registrations, intake, releases. */
export function portalRoutes(services: Services): FastifyPluginAsyncZod {
  const p = () => services.portal;
  return async (app) => {
    const tags = ['portal'];
    app.get('/portal/domains', { schema: { tags } }, async (req) => ({
      items: await p().accounts.rules(req.actor),
    }));
    app.post('/portal/domains', { schema: { body: domainRuleInput, tags } }, async (req, reply) =>
      reply.status(201).send(
        await p().accounts.addRule(req.actor, req.body.domain, {
          suffix: req.body.suffix,
          country: req.body.country,
        }),
      ),
    );
    app.delete('/portal/domains/:id', { schema: { params: idParams, tags } }, async (req, reply) => {
      await p().accounts.removeRule(req.actor, req.params.id);
      return reply.status(204).send();
    });

    app.get('/portal/registrations', { schema: { tags } }, async (req) => ({
      items: await p().accounts.pendingReviews(req.actor),
    }));
    app.post('/portal/registrations/:id/approve', { schema: { params: idParams, tags } }, async (req) => {
      await p().accounts.approve(req.actor, req.params.id);
      return { id: req.params.id, state: 'active' };
    });
    app.post(
      '/portal/registrations/:id/refuse',
      { schema: { params: idParams, body: refusalInput, tags } },
      async (req) => {
        await p().accounts.refuse(req.actor, req.params.id, req.body.reason);
        return { id: req.params.id, state: 'refused' };
      },
    );

    app.get('/portal/intake', { schema: { tags } }, async (req) => ({
      items: await p().intake.queue(req.actor),
    }));
    app.get('/portal/submissions/:id', { schema: { params: idParams, tags } }, async (req) =>
      p().intake.get(req.actor, req.params.id),
    );
    app.post(
      '/portal/submissions/:id/accept',
      { schema: { params: idParams, body: acceptBody, tags } },
      async (req) => ({
        request_id: await p().intake.accept(req.actor, req.params.id, {
          duplicateOf: req.body?.duplicate_of ?? null,
        }),
      }),
    );
    app.post(
      '/portal/submissions/:id/refuse',
      { schema: { params: idParams, body: refuseBody, tags } },
      async (req) => {
        await p().intake.refuse(req.actor, req.params.id, req.body.message);
        return { id: req.params.id, state: 'refused' };
      },
    );
    app.post(
      '/portal/submissions/:id/messages',
      { schema: { params: idParams, body: messageBody, tags } },
      async (req, reply) => {
        await p().intake.message(req.actor, req.params.id, req.body.body);
        return reply.status(201).send({ id: req.params.id });
      },
    );
    app.post(
      '/portal/submissions/:id/releases',
      { schema: { params: idParams, body: releaseBody, tags } },
      async (req, reply) =>
        reply.status(201).send({
          id: await p().releases.release(req.actor, req.params.id, req.body.production_id, {
            days: req.body.days,
            maxDownloads: req.body.max_downloads,
          }),
        }),
    );
    app.post('/portal/releases/:id/revoke', { schema: { params: idParams, tags } }, async (req) => {
      await p().releases.revoke(req.actor, req.params.id);
      return { id: req.params.id, revoked: true };
    });
    app.get('/requests/:id/portal', { schema: { params: idParams, tags } }, async (req) =>
      p().intake.forRequest(req.actor, req.params.id),
    );
  };
}
