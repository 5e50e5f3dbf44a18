import { sql } from 'kysely';
import type { Role } from '../../src/domain/vocabulary.ts';
import { CandorError } from '../../src/errors.ts';
import type { Actor } from '../../src/services/authorize.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, type TestDb } from './db.ts';

/** Adds a user and returns the actor acting as them. */
export async function userActor(s: Services, role: Role, name: string): Promise<Actor> {
  const { user } = await s.users.add(
    actor('admin'),
    `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    role,
  );
  return { label: `user:${user.id} (${user.email})`, userId: user.id, role };
}

/** The awaited promise's CandorError (fails the test when it resolves or throws something else). */
export async function refusal(p: Promise<unknown>): Promise<CandorError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CandorError) return e;
    throw e;
  }
  throw new Error('expected a CandorError');
}

/** Everything a refused change must leave as it was: the request row, its targets and holds, the audit log. */
export async function stateOf(t: TestDb, id: number) {
  const [request, targets, holds, ndos, responses, audit] = await Promise.all([
    t.db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst(),
    t.db.selectFrom('request_targets').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    t.db.selectFrom('preservation_holds').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    t.db.selectFrom('nondisclosure_orders').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    t.db.selectFrom('request_responses').selectAll().where('request_id', '=', id).orderBy('id').execute(),
    sql<{
      n: number;
      head: string | null;
    }>`select count(*)::int as n, max(hash) as head from audit_events`.execute(t.db),
  ]);
  return { request, targets, holds, ndos, responses, audit: audit.rows[0] };
}

/**
 * An emergency request answered the only way the policy gate allows: basis attested, call-back verified from
 * an independent number, a second approval, then non-content produced at `respondedAt`.
 */
export async function disclosedEmergency<R extends { id: number }>(
  s: Services,
  create: (over: {
    process_type: 'emergency_request';
    emergency: true;
    data_sought: ('basic_subscriber' | 'non_content')[];
  }) => Promise<R>,
  respondedAt: Date,
): Promise<R> {
  const handler = await userActor(s, 'handler', 'em-handler');
  const approver = await userActor(s, 'approver', 'em-approver');
  const r = await create({
    process_type: 'emergency_request',
    emergency: true,
    data_sought: ['basic_subscriber', 'non_content'],
  });
  await s.workflow.assign(handler, r.id, { userId: handler.userId! });
  await s.workflow.transition(handler, r.id, { to: 'in_review' });
  await s.workflow.recordVerification(handler, r.id, {
    attestsDanger: true,
    verifiedBy: 'Hana (legal)',
    calledBackAt: respondedAt,
    number: '+1 202 555 0199',
    numberSource: 'agency_directory',
  });
  await s.workflow.approve(approver, r.id, { purpose: 'emergency_disclosure' });
  await s.workflow.respond(handler, r.id, {
    outcome: 'non_content_produced',
    produced: ['non_content'],
    accounts: [],
    respondedAt,
  });
  return r;
}
