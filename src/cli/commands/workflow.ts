import { Command, Option } from 'commander';
import { DUE_KINDS, PROCESS_TYPES } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import { withContext } from '../context.ts';
import { out } from '../output.ts';
import { positive, registerActions } from './request-actions.ts';

/** A comma-separated list of values from a closed set; undefined when the option was not given. */
function listOf<T extends string>(
  name: string,
  v: string | undefined,
  values: readonly T[],
): T[] | undefined {
  if (v === undefined) return undefined;
  const list = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = list.find((x) => !(values as readonly string[]).includes(x));
  if (bad) throw new CandorError('invalid', `${name}: ${bad} is not one of ${values.join(', ')}`);
  return list as T[];
}

/** Pads columns to their widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

export function register(p: Command, setCode: (n: number) => void): void {
  void setCode;
  const request = p.commands.find((c) => c.name() === 'request') ?? p.command('request');

  registerActions(request);

  p.command('due')
    .description(
      'what is due, soonest first: deadlines, notices owed, holds expiring, gag reviews, follow-ups',
    )
    .option('--horizon-days <n>', 'only what is due within this many days')
    .option('--kind <kinds>', `comma-separated: ${DUE_KINDS.join(', ')}`)
    .option('--assignee <email>', 'only the requests assigned to this user')
    .option('--unassigned', 'only the requests assigned to nobody')
    .option('--overdue', 'only what is due now or earlier')
    .option('--agency <text>', 'only agencies whose name contains this (any case)')
    .option('--process-type <types>', `comma-separated: ${PROCESS_TYPES.join(', ')}`)
    .addOption(new Option('--sort <order>', 'soonest or latest first').choices(['soonest', 'latest']))
    .option('--limit <n>', 'at most this many items', '1000')
    .option('--offset <n>', 'skip this many items first', '0')
    .option('--json', 'print the page as JSON (as GET /api/v1/due)')
    .action(
      async (o: {
        horizonDays?: string;
        kind?: string;
        assignee?: string;
        unassigned?: boolean;
        overdue?: boolean;
        agency?: string;
        processType?: string;
        sort?: 'soonest' | 'latest';
        limit: string;
        offset: string;
        json?: boolean;
      }) => {
        const kinds = listOf('--kind', o.kind, DUE_KINDS);
        const processTypes = listOf('--process-type', o.processType, PROCESS_TYPES);
        const horizonDays = o.horizonDays === undefined ? undefined : Number(o.horizonDays);
        if (horizonDays !== undefined && !(Number.isInteger(horizonDays) && horizonDays >= 0)) {
          throw new CandorError('invalid', '--horizon-days: expected a whole number of days');
        }
        if (o.unassigned && o.assignee) throw new CandorError('invalid', 'give --assignee or --unassigned');
        const limit = positive('--limit', o.limit);
        const offset = o.offset === '0' ? 0 : positive('--offset', o.offset);
        const page = await withContext(async ({ services, actor }) => {
          const assignee = o.assignee
            ? (await services.workflow.actAs(actor, o.assignee)).userId!
            : undefined;
          return services.due.queue(actor, {
            horizonDays,
            kinds,
            assignee: o.unassigned ? null : assignee,
            overdue: o.overdue,
            agency: o.agency,
            processTypes,
            sort: o.sort,
            limit,
            offset,
          });
        });
        if (o.json) {
          out(JSON.stringify(page, null, 2));
          return;
        }
        if (page.items.length === 0) {
          out(page.total === 0 ? 'nothing is due' : `nothing on this page (${page.total} in all)`);
          return;
        }
        const rows = page.items.map((i) => [
          `${i.due_at.slice(0, 16).replace('T', ' ')}Z${i.overdue ? ' !' : ''}`,
          i.kind,
          `${i.request_id} ${i.external_ref}`,
          i.rule,
        ]);
        for (const line of table([['DUE (UTC)', 'KIND', 'REQUEST', 'RULE'], ...rows])) out(line);
        const shown = page.offset + page.items.length;
        if (shown < page.total || page.offset > 0) {
          out(
            `items ${page.offset + 1}-${shown} of ${page.total}${shown < page.total ? `; next: --offset ${shown}` : ''}`,
          );
        }
      },
    );

  p.command('holds')
    .description('preservation holds')
    .command('release-expired')
    .description('release every hold that expired without process (audited)')
    .action(async () => {
      const released = await withContext(({ services, actor }) =>
        services.workflow.releaseExpiredHolds(new Date(), actor),
      );
      for (const r of released)
        out(`released hold ${r.hold_id} of request ${r.request_id} (expired ${r.expired_at})`);
      out(`${released.length} hold(s) released`);
    });

  p.command('ndos')
    .description('non-disclosure orders')
    .command('release-expired')
    .description('make held notices due whose order ended or whose emergency delay ran out (audited)')
    .action(async () => {
      const changed = await withContext(({ services, actor }) =>
        services.workflow.releaseExpiredNotices(new Date(), actor),
      );
      for (const c of changed) out(`request ${c.request_id}: notice now ${c.notice_status}`);
      out(`${changed.length} notice(s) released`);
    });
}
