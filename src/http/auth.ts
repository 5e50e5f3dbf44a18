import type { FastifyRequest } from 'fastify';
import type { Actor } from '../services/authorize.ts';
import type { Services } from '../services/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

/** Reads the bearer token and resolves the acting user; services decide what the role may do. */
export async function authenticate(services: Services, req: FastifyRequest): Promise<void> {
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  req.actor = await services.users.actorForToken(token);
}
