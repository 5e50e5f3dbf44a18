import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commentInput, correspondenceInput } from '../../domain/comments.ts';
import { recordId } from '../../domain/primitives.ts';
import type { Services } from '../../services/index.ts';

const idParams = z.strictObject({ id: recordId });

/** A request's comment thread and its correspondence log (docs/api.md, "Comments and correspondence"). */
export function commentRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/requests/:id/comments',
      { schema: { params: idParams, tags: ['comments'], description: 'The internal thread, oldest first' } },
      async (req) => ({ comments: await services.comments.comments(req.actor, req.params.id) }),
    );

    app.post(
      '/requests/:id/comments',
      {
        schema: {
          params: idParams,
          body: commentInput,
          tags: ['comments'],
          description:
            'Posts a comment (immutable). `@ana@example.com` in the text, or `mention_user_ids`, e-mails those ' +
            'users; `not_notified` says which mentions were not e-mailed and why',
        },
      },
      async (req, reply) => {
        const r = await services.comments.post(req.actor, req.params.id, req.body);
        return reply.status(201).send(r);
      },
    );

    app.get(
      '/requests/:id/correspondence',
      {
        schema: {
          params: idParams,
          tags: ['comments'],
          description: 'Correspondence with the agency, newest first',
        },
      },
      async (req) => ({ correspondence: await services.comments.correspondence(req.actor, req.params.id) }),
    );

    app.post(
      '/requests/:id/correspondence',
      {
        schema: {
          params: idParams,
          body: correspondenceInput,
          tags: ['comments'],
          description:
            'Logs correspondence sent to or received from the agency (immutable); `document_id` names a ' +
            'document already attached to this request',
        },
      },
      async (req, reply) => {
        const r = await services.comments.recordCorrespondence(req.actor, req.params.id, req.body);
        return reply.status(201).send(r);
      },
    );
  };
}
