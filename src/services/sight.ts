import type { Db } from '../db/connect.ts';
import { sightOf, type Sight } from '../domain/restricted.ts';
import { CandorError } from '../errors.ts';
import { hasGrant, seesRequest } from '../repositories/sight.ts';
import type { Actor } from './authorize.ts';

/** What the actor may see (docs/workflow.md, "Restricted matters"): read once per call, never cached. */
export async function sightFor(db: Db, actor: Actor): Promise<Sight> {
  return sightOf(actor, actor.userId === null ? false : await hasGrant(db, actor.userId));
}

/**
 * Throws `not_found`, worded exactly as for a request that does not exist, unless the actor may see request
 * `id`: a restricted request's existence is not revealed. Returns the sight for the queries that follow.
 */
export async function assertSeesRequest(db: Db, actor: Actor, id: number): Promise<Sight> {
  const sight = await sightFor(db, actor);
  if (sight !== 'all' && !(await seesRequest(db, sight, id)))
    throw new CandorError('not_found', `request ${id} does not exist`);
  return sight;
}
