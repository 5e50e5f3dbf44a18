import type { NoticeService } from '../../services/notices.ts';
import type { Html } from '../jsx/jsx-runtime.ts';
import { label, when } from '../labels.ts';

export type NoticeStatusView = Awaited<ReturnType<NoticeService['status']>>;
type OutboxRow = NoticeStatusView['outbox'][number];

/** `2 notices: 1 sent, 1 queued` — the outbox of one request in a line. */
export function outboxSummary(rows: readonly OutboxRow[]): string {
  const by = new Map<string, number>();
  for (const r of rows) by.set(r.status, (by.get(r.status) ?? 0) + 1);
  const parts = [...by].map(([status, n]) => `${n} ${label(status).toLowerCase()}`);
  return `${rows.length} notice${rows.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** Every outbox row of a request: to whom, which notice, where it stands, when it was queued and sent. */
export function OutboxTable(props: { rows: readonly OutboxRow[]; caption?: string }): Html {
  return (
    <div class="table-wrap">
      <table>
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">To</th>
            <th scope="col">Notice</th>
            <th scope="col">Status</th>
            <th scope="col">Queued</th>
            <th scope="col">Sent</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((o) => (
            <tr>
              <td data-label="Account" class="mono">
                {o.account}
              </td>
              <td data-label="To">{o.to}</td>
              <td data-label="Notice">{label(o.kind)}</td>
              <td data-label="Status">
                <span class={`tag outbox-${o.status}`}>{label(o.status)}</span>
                {o.attempts > 1 && ` (${o.attempts} attempts)`}
                {o.last_error && <span class="hint"> {o.last_error}</span>}
              </td>
              <td data-label="Queued">{when(o.queued_at)}</td>
              <td data-label="Sent">{when(o.sent_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
