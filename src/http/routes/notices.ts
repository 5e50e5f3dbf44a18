import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  accountRef,
  contactInput,
  languageTag,
  NOTICE_KINDS,
  templateInput,
} from '../../domain/notice-template.ts';
import { recordId } from '../../domain/primitives.ts';
import type { Services } from '../../services/index.ts';

const idParams = z.strictObject({ id: recordId });
const accountParams = z.strictObject({ account: accountRef });
const templateParams = z.strictObject({ kind: z.enum(NOTICE_KINDS), language: languageTag });
const kindQuery = z.strictObject({ kind: z.enum(NOTICE_KINDS).optional() });
const settleBody = z.strictObject({
  answer: z
    .enum(['sent', 'requeue'])
    .describe('sent: the message was delivered; requeue: it was not, send it again (same Message-ID)'),
});
const sendBody = z
  .strictObject({ kind: z.enum(NOTICE_KINDS).optional().describe('defaults to what the record calls for') })
  .default({});

/** Customer contacts, notice templates, preview and sending. */
export function noticeRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.put(
      '/contacts/:account',
      { schema: { params: accountParams, body: contactInput, tags: ['notices'] } },
      async (req) => services.notices.setContact(req.actor, req.params.account, req.body),
    );

    app.get('/notice-templates', { schema: { tags: ['notices'] } }, async (req) => ({
      items: await services.notices.templates(req.actor),
    }));

    app.put(
      '/notice-templates/:kind/:language',
      { schema: { params: templateParams, body: templateInput, tags: ['notices'] } },
      async (req) => services.notices.setTemplate(req.actor, req.params.kind, req.params.language, req.body),
    );

    app.get(
      '/requests/:id/notices/preview',
      { schema: { params: idParams, querystring: kindQuery, tags: ['notices'] } },
      async (req) => services.notices.preview(req.actor, req.params.id, req.query.kind),
    );

    app.post(
      '/requests/:id/notices',
      { schema: { params: idParams, body: sendBody, tags: ['notices'] } },
      async (req, reply) => {
        const r = await services.notices.queue(req.actor, req.params.id, req.body?.kind);
        return reply.status(r.queued.length > 0 ? 201 : 200).send(r);
      },
    );

    app.get('/notices/failures', { schema: { tags: ['notices'] } }, async (req) => ({
      items: await services.notices.failures(req.actor),
    }));

    app.get('/notices/possibly-sent', { schema: { tags: ['notices'] } }, async (req) => ({
      items: await services.notices.possiblySent(req.actor),
    }));

    app.post(
      '/notices/:id/settle',
      { schema: { params: idParams, body: settleBody, tags: ['notices'] } },
      async (req) => services.notices.settlePossiblySent(req.actor, req.params.id, req.body.answer),
    );
  };
}
