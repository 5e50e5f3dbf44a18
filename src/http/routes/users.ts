import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordId } from '../../domain/primitives.ts';
import { ROLES } from '../../domain/vocabulary.ts';
import type { Services } from '../../services/index.ts';

const tags = ['users'];

/** Users (admins only): the list, and a user's role. */
export function userRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/users', { schema: { tags } }, async (req) => ({
      users: (await services.users.list(req.actor)).map((u) => ({
        id: u.id,
        email: u.email,
        role: u.role,
        disabled_at: u.disabled_at,
        restricted: u.restricted,
      })),
    }));
    // The restricted-matters grant (docs/workflow.md, "Restricted matters"): PUT grants, DELETE revokes.
    const grant = {
      params: z.strictObject({ id: recordId }),
      body: z.strictObject({ reason: z.string().max(2000) }),
      tags,
    };
    app.put('/users/:id/restricted-grant', { schema: grant }, async (req) =>
      services.users.grantRestricted(req.actor, req.params.id, req.body.reason),
    );
    app.delete('/users/:id/restricted-grant', { schema: grant }, async (req) =>
      services.users.revokeRestricted(req.actor, req.params.id, req.body.reason),
    );
    app.put(
      '/users/:id/role',
      {
        schema: {
          params: z.strictObject({ id: recordId }),
          body: z.strictObject({ role: z.enum(ROLES) }),
          tags,
        },
      },
      async (req) => services.users.setRole(req.actor, req.params.id, req.body.role),
    );
  };
}
