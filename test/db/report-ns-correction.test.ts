import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput } from '../../src/domain/request-input.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

/**
 * Issue 19.2: no inference across versions. Two subpoenas reclassified as NSLs after a freeze would show as
 * "requests 3 -> 1" in a correction, which gives the exact number of NSLs away. Detected when the correction
 * is made, refused by default, publishable only with counsel's recorded reason.
 */

let t: TestDb;
let s: Services;
const clock = testClock('2017-01-10T10:00:00Z');
const admin = actor('admin');
const publisher = actor('publisher');
const ids: number[] = [];

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  for (const day of ['10', '11', '12']) {
    const r = await s.requests.create(
      admin,
      requestInput.parse(requestFactory({ received_at: `2017-01-${day}T09:00:00Z` })),
    );
    ids.push(r.id);
  }
  clock.set('2017-08-01T10:00:00Z');
  await s.reports.freeze(publisher, '2017-H1');
});
afterAll(async () => t?.close());

const reclassify = async (id: number, process_type: string, data_sought: string[]) => {
  const r = await s.requests.get(admin, id);
  await s.requests.update(admin, id, r.version, { process_type, data_sought });
};
const correction = { why: 'Two subpoenas were recorded with the wrong type', method: 'Recomputed' };

describe('a correction that reveals a national-security move', () => {
  it('is refused by default, naming what it would reveal', async () => {
    await reclassify(ids[0]!, 'national_security_letter', ['non_content']);
    await reclassify(ids[1]!, 'national_security_letter', ['non_content']);
    const draft = await s.reports.build(publisher, '2017-H1');
    expect(draft.data.tables.summary.requests.count).toBe(1);
    await expect(s.reports.correct(publisher, '2017-H1', correction)).rejects.toMatchObject({
      code: 'invalid_state',
      message: expect.stringMatching(
        /reveal that 2 requests moved into national-security process since version 1/,
      ),
    });
    expect((await s.reports.frozenVersions(publisher, '2017-H1')).map((v) => v.number)).toEqual([1]);
  });

  it('needs counsel (an admin) to approve it, with a reason that is recorded', async () => {
    const approved = {
      ...correction,
      approveNsDisclosure: 'Counsel: the FBI agreed to publication (1874(c))',
    };
    await expect(s.reports.correct(publisher, '2017-H1', approved)).rejects.toMatchObject({
      code: 'forbidden',
    });
    const v = await s.reports.correct(admin, '2017-H1', approved);
    expect(v.number).toBe(2);
    const events = await t.db
      .selectFrom('audit_events')
      .select('after')
      .where('action', '=', 'report.correct')
      .execute();
    expect(events.at(-1)?.after).toMatchObject({
      ns_disclosure: { into: 1 + 1, out_of: 0, reason: approved.approveNsDisclosure },
    });
  });

  it('lets an ordinary correction through, and sees a move back out as well', async () => {
    const r = await s.requests.get(admin, ids[2]!);
    await s.requests.update(admin, ids[2]!, r.version, {
      outcome: 'no_data',
      responded_at: '2017-07-20T09:00:00Z',
    });
    expect((await s.reports.correct(publisher, '2017-H1', correction)).number).toBe(3);
    await reclassify(ids[0]!, 'subpoena', ['basic_subscriber']);
    await expect(s.reports.correct(publisher, '2017-H1', correction)).rejects.toMatchObject({
      message: expect.stringMatching(/1 request moved out of national-security process since version 3/),
    });
  });
});

describe('random reclassifications (property)', () => {
  it(
    'never publish a pair of versions whose exact tables differ by a national-security move',
    { timeout: 120_000 },
    async () => {
      let year = 2001;
      const NSL = ['national_security_letter', ['non_content']] as const;
      const SUBPOENA = ['subpoena', ['basic_subscriber']] as const;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.boolean(), { minLength: 2, maxLength: 4 }),
          fc.array(fc.tuple(fc.nat(3), fc.boolean()), { minLength: 1, maxLength: 5 }),
          async (startNs, moves) => {
            const y = year++;
            clock.set(`${y}-02-01T10:00:00Z`);
            const made: number[] = [];
            for (const [i, ns] of startNs.entries()) {
              const [process_type, data_sought] = ns ? NSL : SUBPOENA;
              const input = requestFactory({
                received_at: `${y}-01-${String(10 + i)}T09:00:00Z`,
                process_type,
                data_sought: [...data_sought],
              });
              made.push((await s.requests.create(admin, requestInput.parse(input))).id);
            }
            clock.set(`${y}-08-01T10:00:00Z`);
            const v1 = await s.reports.freeze(publisher, `${y}-H1`);
            const now = [...startNs];
            for (const [k, ns] of moves) {
              const i = k % made.length;
              const [process_type, data_sought] = ns ? NSL : SUBPOENA;
              await reclassify(made[i]!, process_type, [...data_sought]);
              now[i] = ns;
            }
            const moved = now.some((ns, i) => ns !== startNs[i]);
            const v2 = await s.reports.correct(publisher, `${y}-H1`, correction).catch((e: Error) => e);
            if (v2 instanceof Error) {
              // Refused: for revealing a move, or because nothing changed at all.
              expect(v2.message).toMatch(moved ? /would reveal/ : /nothing changed/);
              return;
            }
            // Published: the two versions' exact figures differ by nothing national-security process explains.
            expect(moved).toBe(false);
            expect(v2.data.tables.summary.requests.count).toBe(v1.data.tables.summary.requests.count);
          },
        ),
        { numRuns: 8, endOnFailure: true },
      );
    },
  );
});
