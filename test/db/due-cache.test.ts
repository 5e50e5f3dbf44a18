import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import type { Actor } from '../../src/services/authorize.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { userActor } from '../helpers/workflow.ts';

// The due view keeps what it read of the open work until the audit log moves. These tests hold one
// services instance (with its kept snapshots) against a new one (which reads afresh) after every kind of
// change, and check the kept answer never lags.

let t: TestDb;
let s: Services;
const clock = testClock('2026-03-02T12:00:00Z');
let handler: Actor;
const viewer = actor('viewer');

const create = (over: Partial<RequestInput> = {}) =>
  s.requests.create(handler, requestInput.parse(requestFactory(over)));
/** The due list of a services instance that has kept nothing. */
const fresh = (now?: Date) => servicesFor(t, clock).due.list(viewer, now ? { now } : {});
const kept = (now?: Date) => s.due.list(viewer, now ? { now } : {});
const of = async (id: number, now?: Date) =>
  (await kept(now)).filter((i) => i.request_id === id).map((i) => `${i.kind} ${i.due_at} ${i.detail}`);

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  handler = await userActor(s, 'handler', 'dora');
});
afterAll(async () => t?.close());

describe('the kept due view', () => {
  it('follows every kind of change as soon as it commits', async () => {
    clock.set('2026-03-02T12:00:00Z');
    const before = await kept();
    const r = await create({
      process_type: 'subpoena',
      accounts: ['DC-1'],
      received_at: '2026-03-01T00:00:00Z',
    });
    expect((await kept()).length).toBeGreaterThan(before.length);
    expect(await kept()).toEqual(await fresh());

    // Each step, and whether it changes what the due view shows of this request.
    const steps: Array<[string, () => Promise<unknown>, boolean]> = [
      ['transition', () => s.workflow.transition(handler, r.id, { to: 'in_review' }), false],
      [
        'contact',
        () => s.notices.setContact(handler, 'DC-1', { email: 'dc1@example.com', language: 'en' }),
        true,
      ],
      [
        'order',
        () =>
          s.workflow.addNdo(handler, r.id, {
            authority: 'sca_2705b',
            issuedAt: new Date('2026-03-01T00:00:00Z'),
            expiresAt: new Date('2026-06-01T00:00:00Z'),
          }),
        true,
      ],
      ['hold', () => s.workflow.addHold(handler, r.id, {}), true],
      [
        'response',
        () =>
          s.workflow.respond(handler, r.id, {
            outcome: 'non_content_produced',
            produced: ['basic_subscriber'],
            accounts: [],
          }),
        true,
      ],
      ['close', () => s.workflow.transition(handler, r.id, { to: 'closed' }), false],
      // Events about other things (a user) move the log; an import of many requests is read in full.
      ['user', () => userActor(s, 'viewer', 'vic'), false],
      ['import', () => s.imports.importFile(handler, 'docs/examples/requests.csv'), false],
    ];
    let last = await of(r.id);
    for (const [name, step, changes] of steps) {
      await step();
      const now = await of(r.id);
      if (changes) expect(now, `${name} changed nothing the due view shows`).not.toEqual(last);
      else expect(now, `${name} changed what the due view shows`).toEqual(last);
      expect(await kept(), `after ${name}`).toEqual(await fresh());
      last = now;
    }
  });

  it('applies the rules at each view, so an order expiring between two views frees the notice', async () => {
    clock.set('2026-03-02T12:00:00Z');
    const r = await create({ process_type: 'court_order_2703d', accounts: ['DC-2'] });
    await s.notices.setContact(handler, 'DC-2', { email: 'dc2@example.com', language: 'en' });
    await s.workflow.addNdo(handler, r.id, {
      authority: 'sca_2705b',
      issuedAt: new Date('2026-03-01T00:00:00Z'),
      expiresAt: new Date('2026-03-10T00:00:00Z'),
    });
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    await s.workflow.respond(handler, r.id, { outcome: 'no_data', produced: [], accounts: [] });
    await s.workflow.transition(handler, r.id, { to: 'closed' });
    // Closed, nothing disclosed, so nothing is owed but the order's own reminders; kept at 03-02.
    const early = await of(r.id);
    const late = new Date('2026-03-10T00:00:00Z');
    expect(await kept(late)).toEqual(await fresh(late));
    // An earlier moment than the kept one is read afresh (the kept set may lack what was open then).
    const earlier = new Date('2026-03-01T12:00:00Z');
    expect(await kept(earlier)).toEqual(await fresh(earlier));
    expect(early).toEqual(await of(r.id, new Date('2026-03-02T12:00:00Z')));
  });

  it('sees a change made by hand, outside the audit log, once the kept read is a minute old', async () => {
    clock.set('2026-03-02T12:00:00Z');
    const r = await create({ process_type: 'search_warrant', received_at: '2026-03-02T00:00:00Z' });
    const due = async () =>
      (await kept()).find((i) => i.request_id === r.id && i.kind === 'response_deadline');
    expect(await due()).toBeDefined();
    await sql`update requests set status = 'closed', outcome = 'no_data', responded_at = now(),
              notice_status = 'not_applicable' where id = ${r.id}`.execute(t.db);
    // The log did not move: the kept read still stands (the documented bound on hand edits).
    expect(await due()).toBeDefined();
    clock.set('2026-03-02T12:01:00Z');
    expect(await due()).toBeUndefined();
    expect(await kept()).toEqual(await fresh());
  });
});

describe('the due summary of the dashboard', () => {
  it('counts what the full list holds and shows its head', async () => {
    clock.set('2026-03-02T12:00:00Z');
    await create({ process_type: 'search_warrant', received_at: '2026-02-01T00:00:00Z' }); // overdue
    await create({ process_type: 'subpoena', received_at: '2026-03-01T00:00:00Z' });
    await create({ process_type: 'subpoena', received_at: '2026-03-02T00:00:00Z' });
    const all = await s.due.list(viewer, { horizonDays: 30 });
    const summary = await s.due.summary(viewer, { horizonDays: 30, shown: 3 });
    const overdue = all.filter((i) => i.overdue).length;
    expect(overdue).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(overdue + 3);
    expect(summary).toEqual({ total: all.length, overdue, items: all.slice(0, 3) });
  });
});

describe('the kept counts of the period', () => {
  it('count a request the moment it is created, and a response the moment it is recorded', async () => {
    clock.set('2026-03-02T12:00:00Z');
    const before = await s.dashboard.counts(viewer);
    const r = await create({ received_at: '2026-03-02T09:00:00Z' });
    const after = await s.dashboard.counts(viewer);
    expect(after.total).toEqual({
      ...before.total,
      received: before.total.received + 1,
      open: before.total.open + 1,
    });
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    await s.workflow.respond(handler, r.id, { outcome: 'no_data', produced: [], accounts: [] });
    expect((await s.dashboard.counts(viewer)).total).toEqual({
      ...after.total,
      open: after.total.open - 1,
      responded: after.total.responded + 1,
    });
    expect(await s.dashboard.counts(viewer)).toEqual(await servicesFor(t, clock).dashboard.counts(viewer));
  });
});
