import { describe, expect, it } from 'vitest';
import { checkNoticeChange } from './notice-change.ts';

describe('checkNoticeChange', () => {
  const prohibited = { status: 'prohibited_by_order', reason: 'an order forbids notice' } as const;
  const delayed = { status: 'delayed_emergency', reason: 'emergency' } as const;
  const pending = { status: 'pending', reason: 'owed' } as const;

  it('refuses sent and pending while an order binds or an emergency delay runs', () => {
    for (const d of [prohibited, delayed]) {
      expect(checkNoticeChange('sent', d)).toMatchObject({ ok: false, code: 'invalid_state' });
      expect(checkNoticeChange('pending', d)).toMatchObject({ ok: false, code: 'invalid_state' });
    }
  });
  it('allows sent when notice is owed', () => {
    expect(checkNoticeChange('sent', pending)).toEqual({ ok: true });
  });
  it('refuses prohibited_by_order without an order in force', () => {
    expect(checkNoticeChange('prohibited_by_order', pending).ok).toBe(false);
    expect(checkNoticeChange('prohibited_by_order', prohibited).ok).toBe(true);
  });
  it('lets the team record notice as not possible even while held', () => {
    expect(checkNoticeChange('not_possible', prohibited).ok).toBe(true);
  });
});
