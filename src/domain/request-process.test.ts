import { describe, expect, it } from 'vitest';
import { rowToRequest } from './import-row.ts';
import { courtChallengeInput } from './court-challenge.ts';
import { accessModeOf } from './request-process.ts';
import { requestInput, requestPatch } from './request-input.ts';

const base = {
  external_ref: 'R-1',
  received_at: '2026-03-01',
  agency: {
    name: 'Europol EU Internet Referral Unit',
    kind: 'law_enforcement',
    level: 'supranational',
    country: 'NL',
  },
};
const row = {
  external_ref: 'R-1',
  received_at: '2026-03-01',
  agency_name: 'Metropolitan Police',
  agency_kind: 'law_enforcement',
  agency_level: 'local',
  country: 'GB',
};
const issues = (r: unknown) => {
  const p = requestInput.safeParse(r);
  return p.success ? [] : p.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('informal requests (channel informal)', () => {
  it('carry a takedown request or other, from a government requester', () => {
    expect(issues({ ...base, channel: 'informal', process_type: 'takedown_request' })).toEqual([]);
    expect(issues({ ...base, channel: 'informal', process_type: 'other' })).toEqual([]);
  });

  it('are refused with legal process, naming the process type and what it takes', () => {
    expect(issues({ ...base, channel: 'informal', process_type: 'search_warrant' })).toEqual([
      expect.stringMatching(/^process_type: expected takedown_request or other: an informal request/),
    ]);
    expect(
      issues({ ...base, channel: 'informal', process_type: 'other', requester_class: 'civil_litigant' }),
    ).toEqual([
      expect.stringMatching(
        /^channel: expected a channel of legal process: informal is a channel of government/,
      ),
    ]);
  });

  it('are refused by the import by column and line', () => {
    const r = rowToRequest({ ...row, channel: 'informal', process_type: 'grand_jury_subpoena' }, 7);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        expect.objectContaining({ line: 7, column: 'process_type', value: 'grand_jury_subpoena' }),
      ]);
  });
});

describe('access mode', () => {
  it('is prospective for wiretap and pen-register orders: left out it is recorded so, stored is refused', () => {
    expect(accessModeOf('wiretap_order', undefined)).toBe('prospective');
    expect(accessModeOf('pen_register_order', null)).toBe('prospective');
    expect(accessModeOf('search_warrant', undefined)).toBeNull();
    expect(accessModeOf('court_order', 'prospective')).toBe('prospective');
    expect(issues({ ...base, process_type: 'wiretap_order', access_mode: 'stored' })).toEqual([
      'access_mode: expected prospective (or empty): a wiretap_order collects in real time',
    ]);
    expect(issues({ ...base, process_type: 'search_warrant', access_mode: 'sometimes' })).toHaveLength(1);
  });

  it('is a column of the import and a field of a patch', () => {
    const r = rowToRequest({ ...row, process_type: 'pen_register_order', access_mode: 'stored' }, 3);
    expect(r.ok ? [] : r.errors.map((e) => [e.line, e.column])).toEqual([[3, 'access_mode']]);
    const ok = rowToRequest({ ...row, process_type: 'court_order', access_mode: 'prospective' }, 4);
    expect(ok.ok && ok.value.access_mode).toBe('prospective');
    expect(requestPatch.safeParse({ version: 2, access_mode: 'stored' }).success).toBe(true);
    expect(requestPatch.safeParse({ version: 2, court_challenge: { stage: 'appeal' } }).success).toBe(false);
  });
});

describe('court challenge', () => {
  it('has a stage and a result; a pending one has no decision, a decision is not before the filing', () => {
    expect(
      courtChallengeInput.safeParse({ stage: 'appeal', result: 'won', decided_at: '2026-02-01' }).success,
    ).toBe(true);
    const paths = (x: unknown) => {
      const p = courtChallengeInput.safeParse(x);
      return p.success ? [] : p.error.issues.map((i) => i.path.join('.'));
    };
    expect(paths({ stage: 'appeal', result: 'pending', decided_at: '2026-02-01' })).toEqual(['decided_at']);
    expect(
      paths({ stage: 'appeal', result: 'won', filed_at: '2026-03-01', decided_at: '2026-02-01' }),
    ).toEqual(['decided_at']);
    expect(paths({ stage: 'supreme', result: 'won' })).toEqual(['stage']);
  });

  it('is imported as history from its columns, each refusal named by its column', () => {
    const r = rowToRequest(
      {
        ...row,
        process_type: 'search_warrant',
        outcome: 'rejected',
        challenge_stage: 'first_instance',
        challenge_result: 'partly_won',
        challenge_filed_at: '2026-03-05',
        challenge_decided_at: '2026-05-01',
      },
      2,
    );
    expect(r.ok && r.value.court_challenge).toEqual({
      stage: 'first_instance',
      result: 'partly_won',
      filed_at: '2026-03-05T00:00:00.000Z',
      decided_at: '2026-05-01T00:00:00.000Z',
    });
    const bad = rowToRequest({ ...row, process_type: 'subpoena', challenge_result: 'won' }, 5);
    expect(bad.ok ? [] : bad.errors.map((e) => [e.line, e.column])).toEqual([[5, 'challenge_stage']]);
    const pending = rowToRequest(
      {
        ...row,
        process_type: 'subpoena',
        challenge_stage: 'appeal',
        challenge_result: 'pending',
        challenge_decided_at: '2026-04-01',
      },
      6,
    );
    expect(pending.ok ? [] : pending.errors.map((e) => e.column)).toEqual(['challenge_decided_at']);
  });
});
