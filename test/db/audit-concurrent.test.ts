import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import { queueEvent } from '../../src/repositories/audit-repository.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

// The intake path writes its audit event without the chain's lock and a sequencer chains it after the commit
// (src/services/audit-sequencer.ts). Fifty writers at once, through two sequencers (as two servers on one
// database would be) and interleaved with writers that chain at once under the lock, must leave one chain that
// verifies, with every event in it exactly once; and an edit of any event must still be caught.

let t: TestDb;
let a: Services;
let b: Services;
const admin = actor('admin');

beforeAll(async () => {
  t = await testDatabase();
  a = servicesFor(t);
  b = servicesFor(t);
});
afterAll(async () => t?.close());

async function tamper(statement: string) {
  await t.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await sql.raw(statement).execute(trx);
  });
}

const count = async (table: 'audit_events' | 'audit_pending') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the audit chain under concurrent writers', () => {
  it('chains 50 concurrent intakes (two sequencers) and locked appends into one chain that verifies', async () => {
    const before = await count('audit_events');
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? a : b).requests.create(admin, requestInput.parse(requestFactory())),
      ),
    );
    // Every intake answered only once its event was in the chain (read-your-writes).
    expect(await count('audit_pending')).toBe(0);
    for (const r of created.slice(0, 5)) {
      expect((await a.audit.timeline(admin, 'request', r.id)).map((e) => e.action)).toEqual([
        'request.create',
      ]);
    }
    // Intakes racing with changes that chain at once under the lock (PATCH), through both services.
    await Promise.all([
      ...created
        .slice(0, 25)
        .map((r, i) => (i % 2 ? a : b).requests.update(admin, r.id, r.version, { notes: `n${i}` })),
      ...Array.from({ length: 25 }, (_, i) =>
        (i % 2 ? b : a).requests.create(admin, requestInput.parse(requestFactory())),
      ),
    ]);
    expect(await count('audit_events')).toBe(before + 100);
    const v = await a.audit.verify(admin);
    expect(v).toMatchObject({ ok: true, count: before + 100 });
    // Sequence numbers are dense and each event is in the chain once.
    const seqs = await t.db.selectFrom('audit_events').select('seq').orderBy('seq').execute();
    expect(seqs.map((r) => Number(r.seq))).toEqual(Array.from({ length: before + 100 }, (_, i) => i + 1));
    const creates = await t.db
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'request.create')
      .execute();
    expect(new Set(creates.map((r) => r.entity_id)).size).toBe(creates.length);
  });

  it('chains an event left waiting by a writer that stopped before its seal, when verify runs', async () => {
    const head = await count('audit_events');
    await t.db.transaction().execute((trx) =>
      queueEvent(trx, {
        at: new Date(),
        actor: 'test',
        action: 'request.create',
        entity: 'request',
        entityId: 999,
      }),
    );
    expect(await count('audit_pending')).toBe(1);
    expect(await b.audit.verify(admin)).toMatchObject({ ok: true, count: head + 1 });
    expect(await count('audit_pending')).toBe(0);
  });

  it('still names an edited event after concurrent writers', async () => {
    await tamper(`update audit_events set actor = 'forged' where seq = 30`);
    expect(await a.audit.verify(admin)).toMatchObject({ ok: false, firstBrokenSeq: 30 });
  });
});
