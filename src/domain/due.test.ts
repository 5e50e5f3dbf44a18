import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, defaultPolicy } from './policy-config.ts';
import { NOTICE_STATUSES, OUTCOMES, PROCESS_TYPES, REQUEST_STATUSES, CHANNELS } from './vocabulary.ts';
import {
  changesWithTime,
  DUE_KINDS,
  dueItems,
  isOpenWork,
  sortDue,
  type DueItem,
  type RequestSnapshot,
} from './due.ts';

const receivedAt = new Date('2026-01-05T10:00:00Z');
const snap = (over: Partial<RequestSnapshot> = {}): RequestSnapshot => ({
  id: 'r1',
  externalRef: 'GJ-2026-1',
  status: 'in_review',
  processType: 'subpoena',
  channel: 'domestic',
  emergency: false,
  dataSought: [],
  targetUsPerson: null,
  receivedAt,
  respondedAt: null,
  outcome: null,
  ndos: [],
  holds: [],
  noticeStatus: null,
  noticeFailedAt: null,
  accountsHaveContact: true,
  emergencyPassedAt: null,
  followUpReceivedAt: null,
  assignedTo: null,
  assignee: null,
  agency: 'Federal Bureau of Investigation',
  ...over,
});
const now = new Date('2026-01-06T00:00:00Z');
const kinds = (s: RequestSnapshot, at = now) => dueItems(s, at, defaultPolicy).map((i) => i.kind);

describe('due items', () => {
  it('lists the response deadline and the before-disclosure notice of an open request', () => {
    const items = dueItems(snap(), now, defaultPolicy);
    expect(items.map((i) => [i.kind, i.dueAt.toISOString()])).toEqual([
      ['notice_owed', '2026-01-19T10:00:00.000Z'],
      ['response_deadline', '2026-01-19T10:00:00.000Z'],
    ]);
    expect(items[1]).toMatchObject({ requestId: 'r1', externalRef: 'GJ-2026-1' });
    expect(items[1]?.rule).toMatch(/subpoena/);
  });

  it('drops the response deadline once responded, and the notice once sent', () => {
    const responded = snap({ status: 'responded', respondedAt: now, outcome: 'non_content_produced' });
    expect(kinds(responded)).toEqual(['notice_owed']);
    expect(kinds({ ...responded, noticeStatus: 'sent' })).toEqual([]);
  });

  describe('2703(h)(2) motion to quash', () => {
    const warrant = snap({
      processType: 'search_warrant',
      dataSought: ['content'],
      targetUsPerson: false,
      accountsHaveContact: false,
    });
    const quash = (s: RequestSnapshot) =>
      dueItems(s, now, defaultPolicy).find((i) => i.kind === 'motion_to_quash');

    it('is due 14 days after service of content process for a customer who is not a US person', () => {
      const i = quash(warrant);
      expect(i?.dueAt.toISOString()).toBe('2026-01-19T10:00:00.000Z');
      expect(i?.rule).toMatch(/2703\(h\)\(2\)/);
      expect(quash({ ...warrant, processType: 'court_order_2703d' })).toBeDefined();
      expect(quash({ ...warrant, processType: 'mlat_request', channel: 'mlat' })).toBeDefined();
    });

    it('does not apply to a US person, an unknown one, non-content, other statutes or answered requests', () => {
      expect(quash({ ...warrant, targetUsPerson: true })).toBeUndefined();
      expect(quash({ ...warrant, targetUsPerson: null })).toBeUndefined();
      expect(quash({ ...warrant, dataSought: ['basic_subscriber', 'non_content'] })).toBeUndefined();
      for (const processType of ['wiretap_order', 'civil_subpoena', 'national_security_letter'] as const) {
        expect(quash({ ...warrant, processType })).toBeUndefined();
      }
      expect(quash({ ...warrant, channel: 'executive_agreement' })).toBeUndefined();
      expect(quash({ ...warrant, emergency: true })).toBeUndefined();
      expect(quash({ ...warrant, status: 'responded', respondedAt: now })).toBeUndefined();
    });
  });

  it('cites the EPOC deadline', () => {
    const items = dueItems(
      snap({ channel: 'eu_e_evidence', accountsHaveContact: false }),
      now,
      defaultPolicy,
    );
    const i = items.find((x) => x.kind === 'response_deadline');
    expect(i?.rule).toMatch(/Art\. 10\(3\)/);
    expect(i?.dueAt.toISOString()).toBe('2026-01-15T10:00:00.000Z');
  });

  it('shows a gagged notice at the order expiry, and reviews an indefinite gag after a year', () => {
    const expires = new Date('2026-03-01T00:00:00Z');
    const gag = { authority: 'sca_2705b' as const, issuedAt: null, liftedAt: null };
    const dated = dueItems(snap({ ndos: [{ ...gag, expiresAt: expires }] }), now, defaultPolicy);
    expect(dated.find((i) => i.kind === 'notice_owed')?.dueAt).toEqual(expires);
    expect(dated.find((i) => i.kind === 'gag_review')).toBeUndefined();
    const open = dueItems(snap({ ndos: [{ ...gag, expiresAt: null }] }), now, defaultPolicy);
    expect(open.find((i) => i.kind === 'notice_owed')).toBeUndefined();
    expect(open.find((i) => i.kind === 'gag_review')?.dueAt).toEqual(addDays(receivedAt, 365));
  });

  it('lists unreleased holds at their expiry, reporting their state', () => {
    const hold = { regime: 'sca_2703f' as const, startedAt: receivedAt, extensions: 0, releasedAt: null };
    const s = snap({
      processType: 'preservation_request',
      status: 'responded',
      outcome: 'preserved',
      holds: [hold],
    });
    const at89 = addDays(receivedAt, 89);
    const [h] = dueItems(s, at89, defaultPolicy).filter((i) => i.kind === 'hold_expiring');
    expect(h?.dueAt).toEqual(addDays(receivedAt, 90));
    expect(h?.detail).toMatch(/expiring_soon/);
    expect(h?.rule).toMatch(/2703\(f\)\(2\)/);
    expect(kinds({ ...s, holds: [{ ...hold, releasedAt: at89 }] }, at89)).not.toContain('hold_expiring');
  });

  it('expects follow-up process after an emergency disclosure until it arrives', () => {
    const respondedAt = new Date('2026-01-05T12:00:00Z');
    const s = snap({ emergency: true, status: 'responded', respondedAt, outcome: 'content_produced' });
    const f = dueItems(s, now, defaultPolicy).find((i) => i.kind === 'emergency_follow_up');
    expect(f?.dueAt).toEqual(addDays(respondedAt, 30));
    expect(kinds({ ...s, followUpReceivedAt: now })).not.toContain('emergency_follow_up');
    expect(kinds({ ...s, outcome: 'rejected' })).not.toContain('emergency_follow_up');
  });

  it('keeps an owed notice with no reachable contact on the list, saying so', () => {
    const items = dueItems(snap({ accountsHaveContact: false }), now, defaultPolicy);
    const n = items.find((x) => x.kind === 'notice_owed');
    expect(n?.rule).toMatch(/no reachable contact/);
    expect(n?.detail).toMatch(/add one, or record the notice as not possible/);
  });

  it('raises a failed notice until it is sent', () => {
    const failed = snap({
      status: 'closed',
      noticeStatus: 'pending',
      noticeFailedAt: now,
      outcome: 'no_data',
    });
    expect(kinds(failed)).toEqual(['notice_failed']);
    expect(kinds({ ...failed, noticeStatus: 'sent' })).toEqual([]);
  });
});

describe('sortDue', () => {
  const arbItem = fc.record({
    kind: fc.constantFrom(...DUE_KINDS),
    requestId: fc.constantFrom('a', 'b', 'c'),
    externalRef: fc.string(),
    rule: fc.string(),
    dueAt: fc.integer({ min: 0, max: 5 }).map((d) => addDays(receivedAt, d)),
    detail: fc.string(),
    processType: fc.constant('subpoena' as const),
    emergency: fc.boolean(),
    assignedTo: fc.constant(null),
    assignee: fc.constant(null),
    agency: fc.constant('FBI'),
  });

  it('is sorted by date, then kind, then request id, and a permutation of its input', () => {
    fc.assert(
      fc.property(fc.array(arbItem), (items: DueItem[]) => {
        const sorted = sortDue(items);
        expect(sorted).toHaveLength(items.length);
        const positions = sorted.map((x) => items.indexOf(x)).sort((p, q) => p - q);
        expect(positions).toEqual(items.map((_, i) => i));
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!, sorted[i]!];
          const key = (x: DueItem) => [x.dueAt.getTime(), x.kind, x.requestId] as const;
          const [ka, kb] = [key(a), key(b)];
          const ok =
            ka[0] < kb[0] || (ka[0] === kb[0] && (ka[1] < kb[1] || (ka[1] === kb[1] && ka[2] <= kb[2])));
          expect(ok).toBe(true);
        }
      }),
    );
  });

  it('keeps equal items in input order and leaves its input alone', () => {
    const a = {
      kind: 'gag_review',
      requestId: 'x',
      externalRef: '1',
      rule: '',
      dueAt: now,
      detail: '',
    } as const;
    const b = { ...a, externalRef: '2' };
    const input = [b, a];
    expect(sortDue(input)).toEqual([b, a]);
    expect(input).toEqual([b, a]);
  });
});

describe('open work', () => {
  const closed = snap({ status: 'closed', outcome: 'no_data', noticeStatus: 'not_applicable' });
  const at = new Date('2026-03-01T00:00:00Z');
  it('is every request not closed, and a closed one only while something about it is still running', () => {
    expect(isOpenWork(snap(), at)).toBe(true);
    expect(isOpenWork(closed, at)).toBe(false);
    expect(isOpenWork({ ...closed, noticeStatus: 'prohibited_by_order' }, at)).toBe(true);
    expect(isOpenWork({ ...closed, noticeStatus: 'sent' }, at)).toBe(false);
    const hold = { regime: 'sca_2703f' as const, startedAt: receivedAt, extensions: 0 };
    expect(isOpenWork({ ...closed, holds: [{ ...hold, releasedAt: null }] }, at)).toBe(true);
    expect(isOpenWork({ ...closed, holds: [{ ...hold, releasedAt: at }] }, at)).toBe(false);
  });

  it('holds a closed request while its order is in force, not from the moment it expires', () => {
    const order = { authority: 'sca_2705b' as const, issuedAt: null, liftedAt: null, expiresAt: at };
    const gagged = { ...closed, ndos: [order] };
    expect(isOpenWork(gagged, new Date(at.getTime() - 1))).toBe(true);
    expect(isOpenWork(gagged, at)).toBe(false);
    expect(isOpenWork({ ...closed, ndos: [{ ...order, expiresAt: null }] }, at)).toBe(true);
    expect(isOpenWork({ ...closed, ndos: [{ ...order, expiresAt: null, liftedAt: receivedAt }] }, at)).toBe(
      false,
    );
  });
});

describe('requests time alone cannot change', () => {
  const day = (n: number) => addDays(receivedAt, n);
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
  const arbSnapshot = fc.record({
    status: fc.constantFrom(...REQUEST_STATUSES),
    processType: fc.constantFrom(...PROCESS_TYPES),
    channel: fc.constantFrom(...CHANNELS),
    emergency: fc.boolean(),
    respondedAt: maybe(fc.integer({ min: 0, max: 40 }).map(day)),
    outcome: maybe(fc.constantFrom(...OUTCOMES)),
    noticeStatus: maybe(fc.constantFrom(...NOTICE_STATUSES)),
    noticeFailedAt: maybe(fc.integer({ min: 0, max: 40 }).map(day)),
    accountsHaveContact: fc.boolean(),
    emergencyPassedAt: maybe(fc.integer({ min: 0, max: 40 }).map(day)),
    followUpReceivedAt: maybe(fc.integer({ min: 0, max: 40 }).map(day)),
    ndos: fc.array(
      fc.record({
        authority: fc.constantFrom('sca_2705b' as const, 'nsl_2709c' as const),
        issuedAt: maybe(fc.integer({ min: 0, max: 10 }).map(day)),
        expiresAt: maybe(fc.integer({ min: 1, max: 400 }).map(day)),
        liftedAt: maybe(fc.integer({ min: 1, max: 400 }).map(day)),
      }),
      { maxLength: 2 },
    ),
    holds: fc.array(
      fc.record({
        regime: fc.constantFrom('sca_2703f' as const, 'eu_epoc_pr' as const),
        startedAt: fc.integer({ min: 0, max: 10 }).map(day),
        extensions: fc.integer({ min: 0, max: 1 }),
        releasedAt: maybe(fc.integer({ min: 1, max: 200 }).map(day)),
      }),
      { maxLength: 1 },
    ),
  });
  const arbMoment = fc.integer({ min: 0, max: 800 }).map(day);

  it('have the same items and the same openness at any two moments', () => {
    fc.assert(
      fc.property(arbSnapshot, arbMoment, arbMoment, (over, t1, t2) => {
        const s = snap(over);
        fc.pre(!changesWithTime(s));
        expect(dueItems(s, t2, defaultPolicy)).toEqual(dueItems(s, t1, defaultPolicy));
        expect(isOpenWork(s, t2)).toBe(isOpenWork(s, t1));
      }),
      { numRuns: 500 },
    );
  });

  it('are told apart from those an order makes move', () => {
    const gagged = snap({
      ndos: [{ authority: 'sca_2705b', issuedAt: null, expiresAt: day(30), liftedAt: null }],
    });
    expect(changesWithTime(gagged)).toBe(true);
    expect(dueItems(gagged, day(29), defaultPolicy)).not.toEqual(dueItems(gagged, day(31), defaultPolicy));
  });
});
