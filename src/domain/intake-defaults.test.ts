import { describe, expect, it } from 'vitest';
import { historyNoticeStatus, initialNoticeStatus, initialStatus } from './intake-defaults.ts';

describe('the notice status of imported history', () => {
  const now = new Date('2015-07-01T00:00:00Z');
  const at = (receivedAt: string, outcome: 'preserved' | null = 'preserved') => ({
    outcome,
    receivedAt,
    now,
  });

  it('is not_recorded for an answered request of a half-year that has ended, where notice would be to do', () => {
    expect(historyNoticeStatus('pending', at('2015-06-30T23:59:59Z'))).toBe('not_recorded');
    expect(historyNoticeStatus('delayed_emergency', at('2014-12-01T00:00:00Z'))).toBe('not_recorded');
  });

  it('keeps the intake default in the running half-year, for open requests, and for facts the row shows', () => {
    expect(historyNoticeStatus('pending', at('2015-07-01T00:00:00Z'))).toBe('pending');
    expect(historyNoticeStatus('pending', at('2015-01-01T00:00:00Z', null))).toBe('pending');
    expect(historyNoticeStatus('prohibited_by_order', at('2014-01-01T00:00:00Z'))).toBe(
      'prohibited_by_order',
    );
    expect(historyNoticeStatus('not_applicable', at('2014-01-01T00:00:00Z'))).toBe('not_applicable');
  });

  it('gives an outcome not recorded a notice not recorded at any door, and closes it', () => {
    expect(initialNoticeStatus({ outcome: 'not_recorded', emergency: true, ndoInForce: false })).toBe(
      'not_recorded',
    );
    expect(initialNoticeStatus({ outcome: 'not_recorded', emergency: false, ndoInForce: true })).toBe(
      'prohibited_by_order',
    );
    expect(initialStatus('not_recorded', 'not_recorded')).toBe('closed');
  });
});
