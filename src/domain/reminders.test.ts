import { describe, expect, it } from 'vitest';
import type { DueItem } from './due.ts';
import { defaultPolicy } from './policy-config.ts';
import { planReminders, recipientsOf, reminderStage, type ReminderUser } from './reminders.ts';

const p = defaultPolicy.reminders;
const H = 3_600_000;
const now = new Date('2026-03-02T12:00:00Z');

const item = (over: Partial<DueItem> = {}): DueItem => ({
  kind: 'response_deadline',
  requestId: '7',
  externalRef: 'GJ-7',
  rule: 'response target for grand_jury_subpoena (policy)',
  dueAt: new Date(now.getTime() + 24 * H),
  detail: 'respond to grand_jury_subpoena',
  processType: 'grand_jury_subpoena',
  emergency: false,
  assignedTo: 1,
  assignee: 'hana@example.com',
  agency: 'FBI',
  ...over,
});
const users: ReminderUser[] = [
  { id: 1, email: 'hana@example.com', role: 'handler', mode: 'each', seesRestricted: false },
  { id: 2, email: 'ari@example.com', role: 'approver', mode: 'each', seesRestricted: true },
  { id: 3, email: 'gc@example.com', role: 'admin', mode: 'digest', seesRestricted: false },
  { id: 4, email: 'vi@example.com', role: 'viewer', mode: 'each', seesRestricted: false },
];

describe('reminder stage', () => {
  it('is near only inside the near window, passed only inside the late window', () => {
    const at = (hoursLeft: number) =>
      reminderStage(item({ dueAt: new Date(now.getTime() + hoursLeft * H) }), now, p);
    expect(at(p.nearHours + 1)).toBeNull();
    expect(at(p.nearHours)).toBe('near');
    expect(at(0.5)).toBe('near');
    expect(at(0)).toBe('passed');
    expect(at(-p.lateWithinHours)).toBe('passed');
    expect(at(-p.lateWithinHours - 1)).toBeNull();
  });
});

describe('recipients', () => {
  it('are the assignee, and for an emergency also approvers and admins, never a viewer', () => {
    expect(recipientsOf(item(), users).map((u) => u.id)).toEqual([1]);
    expect(recipientsOf(item({ assignedTo: null }), users)).toEqual([]);
    expect(recipientsOf(item({ emergency: true, assignedTo: null }), users).map((u) => u.id)).toEqual([2, 3]);
    expect(recipientsOf(item({ emergency: true }), users).map((u) => u.id)).toEqual([1, 2, 3]);
  });

  it('of a restricted request are only those who hold the grant', () => {
    const hidden = new Set(['7']);
    expect(recipientsOf(item({ emergency: true }), users, hidden).map((u) => u.id)).toEqual([2]);
    expect(recipientsOf(item(), users, hidden)).toEqual([]);
    expect(recipientsOf(item({ requestId: '8' }), users, hidden).map((u) => u.id)).toEqual([1]);
  });
});

describe('planned reminders', () => {
  it('names each e-mail by user, request, kind, deadline and stage, so the same one is never planned twice', () => {
    const i = item({ emergency: true });
    const plan = planReminders([i], users, now, p);
    const keys = plan.map((x) => x.key);
    expect(keys).toContain(`item:1:7:response_deadline:${i.dueAt.toISOString()}:near`);
    expect(keys).toContain(`item:2:7:response_deadline:${i.dueAt.toISOString()}:near`);
    expect(keys).toContain('digest:3:2026-03-02');
    expect(new Set(keys).size).toBe(keys.length);
    // A moved deadline is a new reminder; the passed stage another.
    const moved = planReminders([{ ...i, dueAt: new Date(i.dueAt.getTime() + H) }], users, now, p);
    expect(moved.find((x) => x.user.id === 1)?.key).not.toBe(plan.find((x) => x.user.id === 1)?.key);
  });

  it('sends digests only from the digest hour, with near and overdue items but not distant ones', () => {
    const gc = users.filter((u) => u.id === 3);
    const items = [
      item({ assignedTo: 3, requestId: '1' }),
      item({ assignedTo: 3, requestId: '2', dueAt: new Date(now.getTime() - 400 * 24 * H) }),
      item({ assignedTo: 3, requestId: '3', dueAt: new Date(now.getTime() + 30 * 24 * H) }),
    ];
    const early = new Date(`2026-03-02T${String(p.digestHourUtc - 1).padStart(2, '0')}:59:00Z`);
    expect(planReminders(items, gc, early, p)).toEqual([]);
    const [digest, ...rest] = planReminders(items, gc, now, p);
    expect(rest).toEqual([]);
    expect(digest?.kind).toBe('digest');
    expect(digest?.items.map((x) => x.requestId)).toEqual(['1', '2']);
  });

  it('plans nothing for a user who turned reminders off', () => {
    const off = users.map((u) => ({ ...u, mode: 'off' as const }));
    expect(planReminders([item({ emergency: true })], off, now, p)).toEqual([]);
  });
});
