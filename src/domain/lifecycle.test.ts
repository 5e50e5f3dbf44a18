import { describe, expect, it } from 'vitest';
import { REQUEST_STATUSES } from './vocabulary.ts';
import { allowedTransitions, canTransition, checkTransition } from './lifecycle.ts';

describe('request lifecycle', () => {
  it('walks the happy path', () => {
    expect(canTransition('received', 'in_review')).toBe(true);
    expect(canTransition('in_review', 'awaiting_information')).toBe(true);
    expect(canTransition('awaiting_information', 'in_review')).toBe(true);
    expect(canTransition('in_review', 'responded')).toBe(true);
    expect(canTransition('responded', 'closed')).toBe(true);
  });

  it('refuses skipping review and going backwards', () => {
    expect(canTransition('received', 'responded')).toBe(false);
    expect(canTransition('received', 'closed')).toBe(false);
    expect(canTransition('awaiting_information', 'responded')).toBe(false);
    expect(canTransition('closed', 'responded')).toBe(false);
    for (const s of REQUEST_STATUSES) expect(canTransition(s, s)).toBe(false);
  });

  it('lists what a status allows', () => {
    expect(allowedTransitions('in_review')).toEqual(['awaiting_information', 'responded']);
    expect(allowedTransitions('closed')).toEqual(['in_review']);
  });

  it('reopens a closed or responded request only with a reason', () => {
    expect(checkTransition('closed', 'in_review', { reason: 'agency sent amended order' })).toEqual({
      ok: true,
    });
    expect(checkTransition('responded', 'in_review', { reason: 'produced wrong account' })).toEqual({
      ok: true,
    });
    const none = checkTransition('closed', 'in_review');
    expect(none).toMatchObject({ ok: false, code: 'invalid_state' });
    expect(checkTransition('responded', 'in_review', { reason: '   ' }).ok).toBe(false);
  });

  it('explains an invalid move', () => {
    const res = checkTransition('received', 'closed');
    expect(res).toEqual({
      ok: false,
      code: 'invalid_state',
      message: 'cannot move a request from received to closed (allowed: in_review)',
    });
  });
});
