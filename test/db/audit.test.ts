import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

let t: TestDb;
let s: Services;
const admin = actor('admin');

beforeEach(async () => {
  t = await testDatabase();
  s = servicesFor(t);
  for (let i = 0; i < 5; i++) {
    const r = await s.requests.create(admin, requestInput.parse(requestFactory()));
    await s.requests.update(admin, r.id, r.version, { notes: `reviewed ${i}` });
  }
});
afterEach(async () => t?.close());

/** Tampering as an attacker with database access would: past the append-only trigger. */
async function tamper(statement: string) {
  await t.db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await sql.raw(statement).execute(trx);
  });
}

describe('the audit log', () => {
  it('verifies an untouched log and reports its head', async () => {
    const r = await s.audit.verify(admin);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.count).toBe(10);
    expect(r.head).toMatch(/^[0-9a-f]{64}$/);
    expect((await s.audit.head(admin))?.hash).toBe(r.head);
  });

  it('refuses UPDATE, DELETE and TRUNCATE from ordinary sessions', async () => {
    await expect(sql`update audit_events set actor = 'x' where seq = 1`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_events where seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('names the first edited event', async () => {
    await tamper(`update audit_events set after = '{"notes":"forged"}' where seq = 4`);
    expect(await s.audit.verify(admin)).toMatchObject({ ok: false, firstBrokenSeq: 4 });
  });

  it('names the event after a deleted one', async () => {
    await tamper(`delete from audit_events where seq = 6`);
    expect(await s.audit.verify(admin)).toMatchObject({ ok: false, firstBrokenSeq: 6 });
  });

  it('names the first of two swapped events', async () => {
    await tamper(`update audit_events set seq = seq + 100 where seq in (3, 7)`);
    await tamper(`update audit_events set seq = 7 where seq = 103`);
    await tamper(`update audit_events set seq = 3 where seq = 107`);
    expect(await s.audit.verify(admin)).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });

  it('names an event whose hash was recomputed after an edit, by the broken link after it', async () => {
    await tamper(`update audit_events set actor = 'someone else', hash = repeat('a', 64) where seq = 9`);
    const r = await s.audit.verify(admin);
    expect(r).toMatchObject({ ok: false, firstBrokenSeq: 9 });
  });
});
