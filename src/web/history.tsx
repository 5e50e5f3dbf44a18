import type { Child, Html } from '../html/jsx-runtime.ts';
import { fieldLabel, isCode, label, when } from './labels.ts';

/** One audit event as the timeline reads it (`services.audit.timeline`). */
export interface HistoryEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  before: unknown;
  after: unknown;
}

/** What each audited action did, as a short sentence; an action not named here is spelled out. */
const ACTIONS: Readonly<Record<string, string>> = {
  'request.create': 'Recorded the request',
  'request.update': 'Edited the request',
  'request.transition': 'Changed the status',
  'request.assign': 'Assigned a handler',
  'request.approve': 'Approved',
  'request.respond': 'Recorded the response',
  'emergency.verify': 'Recorded the emergency verification',
  'emergency.update': 'Updated the emergency',
  'hold.create': 'Started a preservation hold',
  'hold.extend': 'Extended a preservation hold',
  'hold.release': 'Released a preservation hold',
  'ndo.create': 'Recorded a non-disclosure order',
  'ndo.lift': 'Recorded a non-disclosure order as lifted',
  'ndo.review': 'Reviewed a non-disclosure order',
  'notice.record': 'Recorded the notice status',
  'notice.release': 'The held notice became due',
  'notice.not_possible': 'Recorded that no notice is possible',
  'notice.queue': 'Queued the customer notice',
  'notice.cancel': 'Cancelled a notice before sending',
  'notice.sent': 'Sent a customer notice',
  'notice.retry': 'A notice could not be delivered; it will be retried',
  'notice.failed': 'A notice could not be delivered, for good',
  'notice.possibly_sent': 'A notice may have been delivered (delivery interrupted): check it',
  'notice.settle': 'A person settled a notice that may have been delivered',
  'contact.set': 'Set the customer contact',
  'comment.post': 'Commented',
  'correspondence.record': 'Logged correspondence with the agency',
  'challenge.record': 'Recorded a step of the court challenge',
};

export function actionLabel(action: string): string {
  return ACTIONS[action] ?? label(action.replaceAll('.', '_'));
}

/** `user:3 (ana@example.com)` reads as the e-mail; other actors (`cli:root`, `worker:...`) as written. */
export function actorLabel(actor: string): string {
  return actor.replace(/\buser:\d+ \(([^()]*)\)/g, '$1');
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** Keys holding the id of another record (a hold, an order, a user): shown as `#12`. */
const ID_KEY = /(^|_)id$|^assigned_to$|^outbox$/;

const EMPTY = '—';

/** A stored value in words: instants via `when()`, code words via `label()`, lists and records spelled out. */
export function formatValue(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return EMPTY;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return ID_KEY.test(key) ? `#${v}` : v.toLocaleString('en-US');
  if (typeof v === 'string') {
    const d = ISO_INSTANT.test(v) ? new Date(v) : null;
    if (d && !Number.isNaN(d.getTime())) return when(d.toISOString());
    return isCode(v) ? label(v) : v;
  }
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => formatValue(key, x)).join('; ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${fieldLabel(k)}: ${formatValue(k, x)}`)
      .join(', ');
  }
  return String(v);
}

/** One field an event touched: its label, the value after, and the value before when it was different. */
export interface Change {
  key: string;
  label: string;
  value: string;
  was?: string;
}

const asRecord = (x: unknown): Record<string, unknown> | null =>
  x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null;

/**
 * The fields of an event, for any action: each key of `after` with its label and value, and the value
 * `before` held when the event recorded one that differs ("Received → In review"; a field set for the
 * first time shows just its value). Fields that changed come first.
 */
export function changesOf(e: Pick<HistoryEvent, 'before' | 'after'>): Change[] {
  const after = asRecord(e.after);
  const before = asRecord(e.before);
  if (!after) return [];
  const changes = Object.entries(after).map(([key, v]) => {
    const value = formatValue(key, v);
    const c: Change = { key, label: fieldLabel(key), value };
    if (before && key in before) {
      const was = formatValue(key, before[key]);
      if (was !== value && was !== EMPTY) c.was = was;
    }
    return c;
  });
  return [...changes.filter((c) => c.was !== undefined), ...changes.filter((c) => c.was === undefined)];
}

/** More fields than this (a request as recorded) fold away behind a summary. */
const FOLD_AFTER = 6;

function Changes(props: { changes: Change[] }): Html {
  return (
    <dl class="changes">
      {props.changes.map((c) => (
        <div>
          <dt>{c.label}</dt>
          <dd>
            {c.was !== undefined && (
              <>
                <span class="was">{c.was}</span> →{' '}
              </>
            )}
            {c.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The request's history from the audit log, oldest first, in words. */
export function History(props: { events: readonly HistoryEvent[] }): Html {
  return (
    <ol class="timeline">
      {props.events.map((e) => {
        const changes = changesOf(e);
        let details: Child = null;
        if (changes.length > FOLD_AFTER) {
          details = (
            <details>
              <summary>{changes.length} fields</summary>
              <Changes changes={changes} />
            </details>
          );
        } else if (changes.length > 0) {
          details = <Changes changes={changes} />;
        }
        return (
          <li>
            <span class="when">{when(e.at)}</span>
            <span class="what">{actionLabel(e.action)}</span>
            {details}
            <span class="actor" title={e.actor}>
              {actorLabel(e.actor)}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
