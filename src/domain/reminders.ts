import type { DueItem } from './due.ts';
import type { PolicyConfig } from './policy-config.ts';
import type { ReminderMode, Role } from './vocabulary.ts';

/**
 * Reminders: which e-mails the legal team should get about its due items at `now`, each named by a key that
 * makes it go once. Pure: the service reads the due items and the users, this decides, the outbox sends.
 *
 * - `each`: one e-mail per item when its deadline is near (within `nearHours`) and one when it has passed
 *   (for `lateWithinHours` after; older items are in the digest and the queue, not a flood of old news).
 * - `digest`: one e-mail a day, from `digestHourUtc`, listing every near or overdue item of the user.
 * - `off`: nothing.
 * An item goes to its assignee; an emergency request's items also to everyone who may approve the
 * disclosure (approvers, and admins, who hold the approver's powers: docs/workflow.md).
 */

/** A user who may get reminders. */
export interface ReminderUser {
  id: number;
  email: string;
  role: Role;
  mode: ReminderMode;
  /** Holds the restricted-matters grant: only then does a restricted request's reminder reach the user. */
  seesRestricted: boolean;
}

/** Where a due item stands for reminders. */
export type ReminderStage = 'near' | 'passed';

/** One e-mail to queue: for one item (`items` has one) or a digest; `key` is unique per e-mail ever. */
export interface PlannedReminder {
  key: string;
  user: ReminderUser;
  kind: 'item' | 'digest';
  stage: ReminderStage | null;
  items: DueItem[];
}

type ReminderPolicy = PolicyConfig['reminders'];

const HOUR_MS = 3_600_000;
const APPROVING: readonly Role[] = ['approver', 'admin'];

/** Whether an item's deadline is near or has passed at `now`, within the windows reminders look at. */
export function reminderStage(item: DueItem, now: Date, p: ReminderPolicy): ReminderStage | null {
  const left = item.dueAt.getTime() - now.getTime();
  if (left > p.nearHours * HOUR_MS) return null;
  if (left > 0) return 'near';
  return -left <= p.lateWithinHours * HOUR_MS ? 'passed' : null;
}

/** Whether a digest should list the item: anything due within the near window, or overdue however long. */
function inDigest(item: DueItem, now: Date, p: ReminderPolicy): boolean {
  return item.dueAt.getTime() - now.getTime() <= p.nearHours * HOUR_MS;
}

/**
 * Who hears of an item: its assignee, and for an emergency those who may approve; of a restricted request
 * (`restricted` holds its id) only those among them who hold the grant.
 */
export function recipientsOf(
  item: DueItem,
  users: readonly ReminderUser[],
  restricted: ReadonlySet<string> = new Set(),
): ReminderUser[] {
  const hidden = restricted.has(item.requestId);
  return users.filter(
    (u) =>
      (u.id === item.assignedTo || (item.emergency && APPROVING.includes(u.role))) &&
      (!hidden || u.seesRestricted),
  );
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The e-mails due at `now`; the caller queues each key once (a key already queued is skipped). */
export function planReminders(
  items: readonly DueItem[],
  users: readonly ReminderUser[],
  now: Date,
  p: ReminderPolicy,
  restricted: ReadonlySet<string> = new Set(),
): PlannedReminder[] {
  const planned: PlannedReminder[] = [];
  const digests = new Map<number, DueItem[]>();
  for (const item of items) {
    for (const user of recipientsOf(item, users, restricted)) {
      if (user.mode === 'each') {
        const stage = reminderStage(item, now, p);
        if (!stage) continue;
        const key = `item:${user.id}:${item.requestId}:${item.kind}:${item.dueAt.toISOString()}:${stage}`;
        planned.push({ key, user, kind: 'item', stage, items: [item] });
      } else if (user.mode === 'digest' && inDigest(item, now, p)) {
        digests.set(user.id, [...(digests.get(user.id) ?? []), item]);
      }
    }
  }
  if (now.getUTCHours() >= p.digestHourUtc) {
    for (const user of users) {
      const list = digests.get(user.id);
      if (list?.length) {
        planned.push({
          key: `digest:${user.id}:${day(now)}`,
          user,
          kind: 'digest',
          stage: null,
          items: list,
        });
      }
    }
  }
  return planned;
}
