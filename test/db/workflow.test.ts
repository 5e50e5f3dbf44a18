import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestInput, type RequestInput } from '../../src/domain/request-input.ts';
import type { Actor } from '../../src/services/authorize.ts';
import type { Services } from '../../src/services/index.ts';
import { policyConfig } from '../../src/domain/policy-config.ts';
import { createServices } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { refusal, stateOf, userActor } from '../helpers/workflow.ts';

let t: TestDb;
let s: Services;
const clock = testClock('2026-01-15T12:00:00Z');
let handler: Actor;
let approver: Actor;
let approver2: Actor;
const viewer = actor('viewer');

const create = (over: Partial<RequestInput> = {}) =>
  s.requests.create(handler, requestInput.parse(requestFactory(over)));
const actions = async (id: number) => (await s.audit.timeline(viewer, 'request', id)).map((e) => e.action);

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  handler = await userActor(s, 'handler', 'hana');
  // Hana works national-security letters too (restricted matters need the grant: docs/workflow.md).
  await s.users.grantRestricted(actor('admin'), handler.userId!, 'works the national-security docket');
  approver = await userActor(s, 'approver', 'april');
  approver2 = await userActor(s, 'approver', 'abel');
});
afterAll(async () => t?.close());

describe('the lifecycle', () => {
  it('takes a request from intake to closed, bumping the version and auditing each step', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const r = await create({
      process_type: 'court_order_2703d',
      accounts: ['AC1', 'AC2'],
      data_sought: ['non_content'],
    });
    await s.workflow.assign(handler, r.id, { userId: handler.userId!, expectedVersion: r.version });
    await s.workflow.transition(handler, r.id, { to: 'in_review', expectedVersion: r.version + 1 });
    await s.workflow.transition(handler, r.id, { to: 'awaiting_information' });
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    await s.workflow.respond(handler, r.id, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber', 'non_content'],
      accounts: [{ account: 'AC2', result: 'no_data' }],
    });
    await s.workflow.transition(handler, r.id, { to: 'closed' });
    const done = await s.requests.get(viewer, r.id);
    expect(done).toMatchObject({ status: 'closed', outcome: 'non_content_produced', version: r.version + 6 });
    expect(done.assigned_to).toBe(handler.userId);
    expect(done.targets.map((x) => [x.account, x.result])).toEqual([
      ['AC1', 'produced'],
      ['AC2', 'no_data'],
    ]);
    expect(done.workflow.responses).toMatchObject([{ outcome: 'non_content_produced', current: true }]);
    expect(done.workflow.response_due_at).toBe('2026-01-24T09:30:00.000Z');
    expect(await actions(r.id)).toEqual([
      'request.create',
      'request.assign',
      'request.transition',
      'request.transition',
      'request.transition',
      'request.respond',
      'request.transition',
    ]);
  });

  it('reopens a closed request only with a reason, keeping the old response in the history', async () => {
    const r = await create();
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    await s.workflow.respond(handler, r.id, { outcome: 'rejected', produced: [], accounts: [] });
    await s.workflow.transition(handler, r.id, { to: 'closed' });
    const before = await stateOf(t, r.id);
    const e = await refusal(s.workflow.transition(handler, r.id, { to: 'in_review' }));
    expect(e.code).toBe('invalid_state');
    expect(await stateOf(t, r.id)).toEqual(before);
    await s.workflow.transition(handler, r.id, {
      to: 'in_review',
      reason: 'the agency sent a corrected order',
    });
    const now = await s.requests.get(viewer, r.id);
    expect(now).toMatchObject({ status: 'in_review', outcome: null });
    expect(now.workflow.responses).toMatchObject([{ outcome: 'rejected', current: false }]);
  });

  it('refuses illegal transitions and stale versions and changes nothing', async () => {
    const r = await create();
    const before = await stateOf(t, r.id);
    for (const attempt of [
      () => s.workflow.transition(handler, r.id, { to: 'closed' }),
      () => s.workflow.transition(handler, r.id, { to: 'responded' }),
      () => s.workflow.respond(handler, r.id, { outcome: 'no_data', produced: [], accounts: [] }),
    ]) {
      expect((await refusal(attempt())).code).toBe('invalid_state');
    }
    expect(
      (await refusal(s.workflow.transition(handler, r.id, { to: 'in_review', expectedVersion: 99 }))).code,
    ).toBe('conflict');
    expect(await stateOf(t, r.id)).toEqual(before);
  });

  it('assigns only users whose role may handle requests', async () => {
    const r = await create();
    const v = await userActor(s, 'viewer', 'vic');
    const before = await stateOf(t, r.id);
    const e = await refusal(s.workflow.assign(handler, r.id, { userId: v.userId! }));
    expect(e.code).toBe('invalid');
    expect(e.issues[0]?.field).toBe('user_id');
    expect((await refusal(s.workflow.assign(viewer, r.id, { userId: handler.userId! }))).code).toBe(
      'forbidden',
    );
    expect(await stateOf(t, r.id)).toEqual(before);
  });
});

describe('what the process may compel', () => {
  it('refuses content on a subpoena, and changes nothing', async () => {
    const r = await create({ process_type: 'subpoena' });
    await s.workflow.assign(handler, r.id, { userId: handler.userId! });
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    const before = await stateOf(t, r.id);
    const e = await refusal(
      s.workflow.respond(handler, r.id, { outcome: 'content_produced', produced: ['content'], accounts: [] }),
    );
    expect(e.code).toBe('invalid_state');
    expect(e.message).toMatch(/2703\(c\)\(2\)/);
    // A handler cannot override, nor can an approver who is the handler.
    const self = await refusal(
      s.workflow.respond(handler, r.id, {
        outcome: 'content_produced',
        produced: ['content'],
        accounts: [],
        overrideReason: 'the customer consented in writing',
      }),
    );
    expect(self.code).toBe('forbidden');
    expect(await stateOf(t, r.id)).toEqual(before);
  });

  it('accepts an approver override with a written reason, audits it and shows it on the request forever', async () => {
    const r = await create({ process_type: 'subpoena' });
    await s.workflow.assign(handler, r.id, { userId: handler.userId! });
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    const reason = 'the account holder consented in writing to disclosure of stored content (2702(b)(3))';
    await s.workflow.respond(approver, r.id, {
      outcome: 'content_produced',
      produced: ['basic_subscriber', 'content'],
      accounts: [],
      overrideReason: reason,
    });
    await s.workflow.transition(handler, r.id, { to: 'closed' });
    await s.workflow.transition(handler, r.id, { to: 'in_review', reason: 'checking the consent again' });
    const shown = await s.requests.get(viewer, r.id);
    expect(shown.workflow.production_overrides).toMatchObject([
      { beyond: ['content'], reason, approver: expect.stringContaining('april') },
    ]);
    const events = await s.audit.timeline(viewer, 'request', r.id);
    const respond = events.find((e) => e.action === 'request.respond');
    expect(respond?.after).toMatchObject({ override: { reason, beyond: ['content'] } });
  });

  it('refuses content to a foreign authority in an emergency for every role, override or not (2702(b)(8), 2711(4))', async () => {
    const r = await create({
      process_type: 'emergency_request',
      emergency: true,
      agency: { name: 'Bundeskriminalamt', kind: 'law_enforcement', level: 'federal', country: 'DE' },
      data_sought: ['content'],
    });
    await s.workflow.assign(handler, r.id, { userId: handler.userId! });
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    const g = await s.workflow.guidance(viewer, r.id);
    expect(g.channel).toMatchObject({ required: ['mlat', 'letter_rogatory'], ok: false });
    expect(g.data_sought_check.barred).toBe(true);
    const input = {
      outcome: 'content_produced' as const,
      produced: ['content' as const],
      accounts: [],
      overrideReason: 'imminent threat to life confirmed with the BKA duty officer',
    };
    const before = await stateOf(t, r.id);
    for (const who of [approver, handler, actor('admin')]) {
      const e = await refusal(s.workflow.respond(who, r.id, input));
      expect(e.code).toBe('invalid_state');
      expect(e.issues.map((i) => i.message)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^emergency_content_non_us: /)]),
      );
      expect(e.message).toMatch(/no role may override/);
    }
    expect(await stateOf(t, r.id)).toEqual(before);
  });
});

describe('emergency requests', () => {
  async function emergency(over: Partial<RequestInput> = {}) {
    const r = await create({
      process_type: 'emergency_request',
      emergency: true,
      data_sought: ['basic_subscriber', 'non_content'],
      emergency_basis: 'Kidnapping in progress; call us back at +1 (202) 555-0100',
      ...over,
    });
    await s.workflow.assign(handler, r.id, { userId: handler.userId! });
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    return r;
  }
  const answer = {
    outcome: 'non_content_produced' as const,
    produced: ['non_content' as const],
    accounts: [],
  };
  const verification = {
    attestsDanger: true,
    verifiedBy: 'Hana (legal)',
    calledBackAt: new Date('2026-01-15T11:00:00Z'),
    number: '+1 202 555 0199',
    numberSource: 'agency_directory' as const,
  };

  it('cannot be answered without basis, verification and a second approval, and the refusal changes nothing', async () => {
    const r = await emergency();
    const before = await stateOf(t, r.id);
    const e = await refusal(s.workflow.respond(handler, r.id, answer));
    expect(e.code).toBe('invalid_state');
    expect(e.issues.map((i) => i.field)).toEqual([
      'emergency.basis_not_attested',
      'emergency.verification_incomplete',
      'emergency.no_second_approval',
    ]);
    expect(await stateOf(t, r.id)).toEqual(before);
  });

  it('refuses a call-back number taken from the request itself', async () => {
    const r = await emergency();
    await s.workflow.recordVerification(handler, r.id, { ...verification, number: '202-555-0100' });
    await s.workflow.approve(approver, r.id, { purpose: 'emergency_disclosure' });
    const e = await refusal(s.workflow.respond(handler, r.id, answer));
    expect(e.issues.map((i) => i.field)).toEqual(['emergency.callback_number_from_request']);
  });

  it('refuses the handler approving their own request', async () => {
    const r = await emergency();
    await s.workflow.assign(handler, r.id, { userId: approver.userId! });
    const before = await stateOf(t, r.id);
    expect(
      (await refusal(s.workflow.approve(approver, r.id, { purpose: 'emergency_disclosure' }))).code,
    ).toBe('invalid_state');
    expect(await stateOf(t, r.id)).toEqual(before);
  });

  it('takes an admin approval as an approver approval: the admin offered Approve is not refused afterwards', async () => {
    const admin = await userActor(s, 'admin', 'gc');
    const r = await emergency();
    await s.workflow.recordVerification(handler, r.id, verification);
    await s.workflow.approve(admin, r.id, { purpose: 'emergency_disclosure', note: 'GC approves' });
    await s.workflow.respond(handler, r.id, answer);
    expect((await s.requests.get(viewer, r.id)).outcome).toBe('non_content_produced');
  });

  it('is answered once ready; notice waits for the emergency to pass and a follow-up is due', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const r = await emergency();
    await s.workflow.recordVerification(handler, r.id, verification);
    await s.workflow.approve(approver2, r.id, {
      purpose: 'emergency_disclosure',
      note: 'verified with the FBI duty desk',
    });
    expect((await s.workflow.guidance(viewer, r.id)).emergency).toEqual({ problems: [], ready: true });
    await s.workflow.respond(handler, r.id, answer);
    const done = await s.requests.get(viewer, r.id);
    expect(done.notice_status).toBe('delayed_emergency');
    const due = (await s.due.list(viewer)).filter((i) => i.request_id === r.id);
    expect(due.map((i) => [i.kind, i.due_at])).toEqual([
      ['emergency_follow_up', '2026-02-14T12:00:00.000Z'],
      ['notice_owed', '2026-04-15T12:00:00.000Z'],
    ]);
    // Notice cannot be sent while the emergency delay runs, by the workflow or by PATCH.
    expect(
      (await refusal(s.workflow.recordNotice(handler, r.id, { status: 'sent', reason: 'emailed' }))).code,
    ).toBe('invalid_state');
    await s.workflow.recordEmergencyEvents(handler, r.id, { passedAt: new Date('2026-01-15T12:00:00Z') });
    expect((await s.requests.get(viewer, r.id)).notice_status).toBe('pending');
  });
});

describe('preservation holds', () => {
  const start = '2026-01-15T12:00:00Z';
  const dayAfter = (n: number) => new Date(Date.parse(start) + n * 86_400_000);
  async function held() {
    clock.set(start);
    const r = await create({ process_type: 'preservation_request' });
    const holdId = await s.workflow.addHold(handler, r.id, {});
    return { r, holdId };
  }
  const holdRow = (id: number) =>
    t.db.selectFrom('preservation_holds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it("refuses a 2703(f) hold for a civil litigant's preservation letter, and changes nothing", async () => {
    const r = await create({
      process_type: 'preservation_request',
      requester_class: 'civil_litigant',
      agency: { name: 'Counsel for the plaintiff', kind: 'other', level: 'state', country: 'US' },
    });
    const before = await stateOf(t, r.id);
    const e = await refusal(s.workflow.addHold(handler, r.id, {}));
    expect(e.code).toBe('invalid_state');
    expect(e.issues[0]?.field).toBe('requester_class');
    expect(await stateOf(t, r.id)).toEqual(before);
  });

  it('is kept on day 89, released at day 90 exactly, and the release is audited once', async () => {
    const { r, holdId } = await held();
    const mine = (list: Array<{ hold_id: number }>) => list.filter((x) => x.hold_id === holdId);
    expect(mine(await s.workflow.releaseExpiredHolds(dayAfter(89)))).toEqual([]);
    const due = (await s.due.list(viewer, { now: dayAfter(89) })).find(
      (i) => i.request_id === r.id && i.kind === 'hold_expiring',
    );
    expect(due).toMatchObject({
      due_at: dayAfter(90).toISOString(),
      detail: expect.stringContaining('expiring_soon'),
    });
    expect(mine(await s.workflow.releaseExpiredHolds(new Date(dayAfter(90).getTime() - 1)))).toEqual([]);
    expect(mine(await s.workflow.releaseExpiredHolds(dayAfter(90)))).toHaveLength(1);
    expect(mine(await s.workflow.releaseExpiredHolds(dayAfter(91)))).toEqual([]);
    expect(await holdRow(holdId)).toMatchObject({
      release_reason: 'expired_without_process',
      released_at: dayAfter(90),
    });
    expect((await actions(r.id)).filter((a) => a === 'hold.release')).toHaveLength(1);
  });

  it('extends once to 180 days and refuses a second extension, changing nothing', async () => {
    const { r, holdId } = await held();
    clock.set(dayAfter(89).toISOString());
    await s.workflow.extendHold(handler, r.id, holdId);
    const before = await stateOf(t, r.id);
    const e = await refusal(s.workflow.extendHold(handler, r.id, holdId));
    expect(e.code).toBe('invalid_state');
    expect(e.message).toMatch(/2703\(f\)\(2\)/);
    expect(await stateOf(t, r.id)).toEqual(before);
    expect(await s.workflow.releaseExpiredHolds(dayAfter(91))).not.toContainEqual(
      expect.objectContaining({ hold_id: holdId }),
    );
    expect((await s.requests.get(viewer, r.id)).workflow.holds[0]).toMatchObject({
      extensions: 1,
      expires_at: dayAfter(180).toISOString(),
    });
  });

  it('refuses to extend a hold on day 91, once it expired', async () => {
    const { r, holdId } = await held();
    clock.set(dayAfter(91).toISOString());
    expect((await refusal(s.workflow.extendHold(handler, r.id, holdId))).message).toMatch(/expired/);
    expect((await holdRow(holdId)).extensions).toBe(0);
  });
});

describe('non-disclosure orders', () => {
  it('releases the held notice exactly when the order expires at midnight UTC, once', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const r = await create({ process_type: 'search_warrant', data_sought: ['content'] });
    const ndoId = await s.workflow.addNdo(handler, r.id, {
      authority: 'sca_2705b',
      issuedAt: new Date('2026-01-10T00:00:00Z'),
      expiresAt: new Date('2026-03-01T00:00:00Z'),
    });
    expect(ndoId).toBeGreaterThan(0);
    await s.workflow.transition(handler, r.id, { to: 'in_review' });
    await s.workflow.respond(handler, r.id, {
      outcome: 'content_produced',
      produced: ['content'],
      accounts: [],
    });
    expect((await s.requests.get(viewer, r.id)).notice_status).toBe('prohibited_by_order');

    // Every path refuses notice while the order binds.
    clock.set('2026-02-28T23:59:59.999Z');
    const before = await stateOf(t, r.id);
    expect(
      (await refusal(s.workflow.recordNotice(handler, r.id, { status: 'sent', reason: 'emailed' }))).code,
    ).toBe('invalid_state');
    expect(
      (await refusal(s.requests.update(handler, r.id, before.request!.version, { notice_status: 'sent' })))
        .code,
    ).toBe('invalid_state');
    expect(
      (await refusal(s.requests.update(handler, r.id, before.request!.version, { notice_status: 'pending' })))
        .code,
    ).toBe('invalid_state');
    const mine = (list: Array<{ request_id: number }>) => list.filter((x) => x.request_id === r.id);
    expect(mine(await s.workflow.releaseExpiredNotices(new Date('2026-02-28T23:59:59.999Z')))).toEqual([]);
    expect(await stateOf(t, r.id)).toEqual(before);
    const owed = (await s.due.list(viewer, { now: new Date('2026-02-28T23:59:59.999Z') })).find(
      (i) => i.request_id === r.id && i.kind === 'notice_owed',
    );
    expect(owed).toMatchObject({ due_at: '2026-03-01T00:00:00.000Z', overdue: false });

    expect(mine(await s.workflow.releaseExpiredNotices(new Date('2026-03-01T00:00:00Z')))).toEqual([
      { request_id: r.id, notice_status: 'pending' },
    ]);
    expect(mine(await s.workflow.releaseExpiredNotices(new Date('2026-03-01T00:00:01Z')))).toEqual([]);
    expect((await s.requests.get(viewer, r.id)).notice_status).toBe('pending');
    expect((await actions(r.id)).filter((a) => a === 'notice.release')).toHaveLength(1);
    clock.set('2026-03-01T00:00:00Z');
    await s.workflow.recordNotice(handler, r.id, { status: 'sent', reason: 'emailed the account owner' });
    expect((await s.requests.get(viewer, r.id)).notice_status).toBe('sent');
  });

  it('makes the notice due at once when the order is lifted', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const r = await create({
      outcome: 'non_content_produced',
      responded_at: '2026-01-12',
      ndo: { authority: 'sca_2705b', expires_at: null },
    });
    const ndoId = r.nondisclosure_orders[0]!.id;
    expect((await s.workflow.guidance(viewer, r.id)).ndos[0]).toMatchObject({
      in_force: true,
      exceeds_doj_policy: true,
    });
    await s.workflow.liftNdo(handler, r.id, ndoId);
    expect((await s.requests.get(viewer, r.id)).notice_status).toBe('pending');
    expect((await refusal(s.workflow.liftNdo(handler, r.id, ndoId))).code).toBe('invalid_state');
    expect((await actions(r.id)).slice(-2)).toEqual(['ndo.lift', 'notice.release']);
  });

  it('reminds the team to review an indefinite gag yearly and an NSL gag every three years', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const r = await create({ process_type: 'national_security_letter' });
    await s.workflow.addNdo(handler, r.id, {
      authority: 'nsl_2709c',
      issuedAt: new Date('2026-01-10T00:00:00Z'),
      expiresAt: null,
    });
    const r2 = await create();
    const n2 = await s.workflow.addNdo(handler, r2.id, {
      authority: 'sca_2705b',
      issuedAt: new Date('2026-01-10T00:00:00Z'),
      expiresAt: null,
    });
    const reviews = (await s.due.list(viewer, { kinds: ['gag_review'] })).filter((i) =>
      [r.id, r2.id].includes(i.request_id),
    );
    expect(reviews.map((i) => [i.request_id, i.due_at])).toEqual([
      [r2.id, '2027-01-10T00:00:00.000Z'],
      [r.id, '2029-01-09T00:00:00.000Z'],
    ]);
    await s.workflow.reviewNdo(handler, r2.id, n2, { reviewedAt: new Date('2026-06-01T00:00:00Z') });
    const after = (await s.due.list(viewer, { kinds: ['gag_review'] })).find((i) => i.request_id === r2.id);
    expect(after?.due_at).toBe('2027-06-01T00:00:00.000Z');
  });
});

describe('the due view', () => {
  it('lists soonest first and cuts at the horizon inclusively', async () => {
    clock.set('2026-01-15T12:00:00Z');
    const a = await create({ process_type: 'search_warrant', received_at: '2026-01-10T00:00:00Z' }); // due 01-20
    const b = await create({ process_type: 'subpoena', received_at: '2026-01-10T00:00:00Z' }); // due 01-24
    const c = await create({ process_type: 'wiretap_order', received_at: '2026-01-15T00:00:00Z' }); // due 01-16
    const closed = await create({ process_type: 'search_warrant', received_at: '2026-01-10T00:00:00Z' });
    await s.workflow.transition(handler, closed.id, { to: 'in_review' });
    await s.workflow.respond(handler, closed.id, { outcome: 'rejected', produced: [], accounts: [] });
    await s.workflow.transition(handler, closed.id, { to: 'closed' });
    const ids = [a.id, b.id, c.id, closed.id];
    const now = new Date('2026-01-16T00:00:00Z');
    const list = (await s.due.list(viewer, { now, kinds: ['response_deadline'] })).filter((i) =>
      ids.includes(i.request_id),
    );
    expect(list.map((i) => [i.request_id, i.due_at, i.overdue])).toEqual([
      [c.id, '2026-01-16T00:00:00.000Z', true],
      [a.id, '2026-01-20T00:00:00.000Z', false],
      [b.id, '2026-01-24T00:00:00.000Z', false],
    ]);
    expect(list[0]?.rule).toMatch(/wiretap_order/);
    const four = (await s.due.list(viewer, { now, horizonDays: 4, kinds: ['response_deadline'] })).filter(
      (i) => ids.includes(i.request_id),
    );
    expect(four.map((i) => i.request_id)).toEqual([c.id, a.id]);
    const later = (
      await s.due.list(viewer, {
        now: new Date(now.getTime() + 1),
        horizonDays: 4,
        kinds: ['response_deadline'],
      })
    ).filter((i) => ids.includes(i.request_id));
    expect(later.map((i) => i.request_id)).toEqual([c.id, a.id]);
    const justBefore = (
      await s.due.list(viewer, {
        now: new Date(now.getTime() - 1),
        horizonDays: 4,
        kinds: ['response_deadline'],
      })
    ).filter((i) => ids.includes(i.request_id));
    // One millisecond earlier, the horizon ends just before a's deadline and c is not yet overdue.
    expect(justBefore.map((i) => [i.request_id, i.overdue])).toEqual([[c.id, false]]);
  });
});

describe('attorney sign-off by policy', () => {
  it('holds data back on a listed process type until an approver signs off', async () => {
    const config = {
      ...testConfig,
      policy: policyConfig.parse({ signOff: { requiredFor: ['search_warrant'] } }),
    };
    const signed = createServices({ db: t.db, config, clock });
    const r = await signed.requests.create(
      handler,
      requestInput.parse(requestFactory({ process_type: 'search_warrant', data_sought: ['content'] })),
    );
    await signed.workflow.assign(handler, r.id, { userId: handler.userId! });
    await signed.workflow.transition(handler, r.id, { to: 'in_review' });
    const answer = { outcome: 'content_produced' as const, produced: ['content' as const], accounts: [] };
    const e = await refusal(signed.workflow.respond(handler, r.id, answer));
    expect(e.issues.map((i) => [i.field, i.message.split(':')[0]])).toEqual([
      ['approvals', 'attorney_sign_off'],
    ]);
    await signed.workflow.approve(approver, r.id, { purpose: 'legal_sign_off', note: 'warrant reviewed' });
    await signed.workflow.respond(handler, r.id, answer);
    // Without the policy, a non-emergency request asks for no sign-off.
    const plain = await create({ process_type: 'search_warrant', data_sought: ['content'] });
    await s.workflow.assign(handler, plain.id, { userId: handler.userId! });
    expect((await refusal(s.workflow.approve(approver, plain.id, { purpose: 'legal_sign_off' }))).code).toBe(
      'invalid_state',
    );
  });
});
