import { Command, Option } from 'commander';
import {
  ACCOUNT_RESULTS,
  DATA_SOUGHT,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  PROCESS_TYPES,
  REQUEST_STATUSES,
  type AccountResult,
  type DataSought,
  type NdoAuthority,
  type NoticeStatus,
  type Outcome,
  type RequestStatus,
  APPROVAL_PURPOSES,
  DUE_KINDS,
  HOLD_REGIMES,
  NUMBER_SOURCES,
  type HoldRegime,
  type NumberSource,
} from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { Actor } from '../../services/authorize.ts';
import type { Services } from '../../services/index.ts';
import { withContext } from '../context.ts';
import { out } from '../output.ts';

const RESULTS = ACCOUNT_RESULTS;

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CandorError('invalid', `${name}: expected a positive integer`);
  return n;
}

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

/** Reads a date flag; the schema (and zod) is imported only by a command that has one to read. */
async function date(name: string, v: string | undefined): Promise<Date | undefined> {
  if (v === undefined) return undefined;
  const { instant } = await import('../../domain/request-input.ts');
  const p = instant.safeParse(v);
  if (!p.success) throw new CandorError('invalid', `${name}: ${p.error.issues[0]?.message ?? 'not a date'}`);
  return new Date(p.data);
}

interface Common {
  as?: string;
  expectVersion?: string;
}

/** Runs one workflow change and prints the request's new state. */
async function run(
  id: string,
  o: Common,
  fn: (s: Services, actor: Actor, id: number, expectedVersion?: number) => Promise<unknown>,
) {
  const n = positive('id', id);
  const expectedVersion = o.expectVersion ? positive('--expect-version', o.expectVersion) : undefined;
  await withContext(async ({ services, actor }) => {
    const who = o.as ? await services.workflow.actAs(actor, o.as) : actor;
    await fn(services, who, n, expectedVersion);
    const r = await services.requests.get(actor, n);
    out(`request ${r.id} (${r.external_ref}): ${r.status}, notice ${r.notice_status}, version ${r.version}`);
  });
}

const common = (c: Command) =>
  c
    .option('--as <email>', 'act as this user (approvals need a person other than the handler)')
    .option('--expect-version <n>', 'refuse if the request is no longer at this version');

/** Pads columns to their widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

export function register(p: Command, setCode: (n: number) => void): void {
  void setCode;
  const request = p.commands.find((c) => c.name() === 'request') ?? p.command('request');

  common(request.command('transition <id> <status>'))
    .description(
      `move a request to another status (${REQUEST_STATUSES.join(', ')}); reopening needs --reason`,
    )
    .option('--reason <text>', 'why (required to reopen)')
    .action(async (id: string, to: string, o: Common & { reason?: string }) => {
      if (!(REQUEST_STATUSES as readonly string[]).includes(to)) {
        throw new CandorError('invalid', `status: expected one of ${REQUEST_STATUSES.join(', ')}`);
      }
      await run(id, o, (s, a, n, v) =>
        s.workflow.transition(a, n, { to: to as RequestStatus, reason: o.reason, expectedVersion: v }),
      );
    });

  common(request.command('assign <id> <email>'))
    .description('make a user (handler, approver or admin) the handler of a request')
    .action(async (id: string, email: string, o: Common) => {
      await run(id, o, async (s, a, n, v) => {
        const u = await s.workflow.actAs(a, email);
        await s.workflow.assign(a, n, { userId: u.userId!, expectedVersion: v });
      });
    });

  common(request.command('approve <id>'))
    .description('approve as a second person (use --as <approver email>)')
    .addOption(
      new Option('--purpose <purpose>', 'what is approved')
        .choices(APPROVAL_PURPOSES)
        .default('emergency_disclosure'),
    )
    .option('--note <text>', 'a note kept with the approval')
    .action(
      async (
        id: string,
        o: Common & { purpose: 'emergency_disclosure' | 'legal_sign_off'; note?: string },
      ) => {
        await run(id, o, (s, a, n, v) =>
          s.workflow.approve(a, n, { purpose: o.purpose, note: o.note, expectedVersion: v }),
        );
      },
    );

  common(request.command('respond <id>'))
    .description('record the response: outcome, produced categories, per-account results')
    .addOption(new Option('--outcome <outcome>').choices(OUTCOMES).makeOptionMandatory())
    .option('--produced <list>', `comma-separated: ${DATA_SOUGHT.join(', ')}`, '')
    .option('--account <account=result...>', `a per-account result (${RESULTS.join(', ')}); repeatable`)
    .option('--responded-at <when>', 'when the response went out (default: now)')
    .option('--override-reason <text>', 'an approver producing beyond the process: why')
    .action(
      async (
        id: string,
        o: Common & {
          outcome: Outcome;
          produced: string;
          account?: string[];
          respondedAt?: string;
          overrideReason?: string;
        },
      ) => {
        const produced = o.produced.split(',').filter(Boolean);
        const bad = produced.find((d) => !(DATA_SOUGHT as readonly string[]).includes(d));
        if (bad)
          throw new CandorError('invalid', `--produced: ${bad} is not one of ${DATA_SOUGHT.join(', ')}`);
        const accounts = (o.account ?? []).map((pair) => {
          const [account, result] = pair.split('=');
          if (!account || !(RESULTS as readonly string[]).includes(result ?? '')) {
            throw new CandorError('invalid', `--account ${pair}: expected ACCOUNT=${RESULTS.join('|')}`);
          }
          return { account, result: result as AccountResult };
        });
        await run(id, o, async (s, a, n, v) =>
          s.workflow.respond(a, n, {
            outcome: o.outcome,
            produced: produced as DataSought[],
            accounts,
            respondedAt: await date('--responded-at', o.respondedAt),
            overrideReason: o.overrideReason,
            expectedVersion: v,
          }),
        );
      },
    );

  common(request.command('verify <id>'))
    .description('record the attested basis and the call-back that verified an emergency request')
    .option('--attests', 'the requester attested danger of death or serious physical injury', false)
    .requiredOption('--verified-by <name>', 'who called back')
    .requiredOption('--called-back-at <when>', 'when')
    .requiredOption('--number <phone>', 'the number called')
    .addOption(
      new Option('--number-source <source>', 'where the number came from')
        .choices(NUMBER_SOURCES)
        .makeOptionMandatory(),
    )
    .action(
      async (
        id: string,
        o: Common & {
          attests: boolean;
          verifiedBy: string;
          calledBackAt: string;
          number: string;
          numberSource: NumberSource;
        },
      ) => {
        await run(id, o, async (s, a, n, v) =>
          s.workflow.recordVerification(a, n, {
            attestsDanger: o.attests,
            verifiedBy: o.verifiedBy,
            calledBackAt: (await date('--called-back-at', o.calledBackAt))!,
            number: o.number,
            numberSource: o.numberSource,
            expectedVersion: v,
          }),
        );
      },
    );

  const hold = request.command('hold').description('preservation holds');
  common(hold.command('add <id>'))
    .description('start a preservation hold (90 days under 18 U.S.C. 2703(f))')
    .addOption(new Option('--regime <regime>').choices(HOLD_REGIMES))
    .option('--started-at <when>', 'when the hold started (default: now)')
    .action(async (id: string, o: Common & { regime?: HoldRegime; startedAt?: string }) => {
      await run(id, o, async (s, a, n, v) => {
        const h = await s.workflow.addHold(a, n, {
          regime: o.regime,
          startedAt: await date('--started-at', o.startedAt),
          expectedVersion: v,
        });
        out(`hold ${h} started`);
      });
    });
  common(hold.command('extend <id> <holdId>'))
    .description('extend a running hold once (2703(f)(2))')
    .action(async (id: string, holdId: string, o: Common) => {
      await run(id, o, (s, a, n, v) =>
        s.workflow.extendHold(a, n, positive('holdId', holdId), { expectedVersion: v }),
      );
    });
  common(hold.command('release <id> <holdId>'))
    .description('end a hold by hand')
    .addOption(
      new Option('--reason <reason>')
        .choices(['process_received', 'withdrawn', 'other'])
        .makeOptionMandatory(),
    )
    .action(
      async (
        id: string,
        holdId: string,
        o: Common & { reason: 'process_received' | 'withdrawn' | 'other' },
      ) => {
        await run(id, o, (s, a, n, v) =>
          s.workflow.releaseHold(a, n, positive('holdId', holdId), { reason: o.reason, expectedVersion: v }),
        );
      },
    );

  const ndo = request.command('ndo').description('non-disclosure orders');
  common(ndo.command('add <id>'))
    .description('record a non-disclosure order (give --expires or --indefinite)')
    .addOption(new Option('--authority <authority>').choices(NDO_AUTHORITIES).default('sca_2705b'))
    .option('--court <court>', 'issuing court')
    .option('--issued <when>', 'issue date')
    .option('--expires <when>', 'expiry date')
    .option('--indefinite', 'the order has no end date', false)
    .action(
      async (
        id: string,
        o: Common & {
          authority: NdoAuthority;
          court?: string;
          issued?: string;
          expires?: string;
          indefinite: boolean;
        },
      ) => {
        if (!o.expires === !o.indefinite)
          throw new CandorError('invalid', 'give exactly one of --expires and --indefinite');
        await run(id, o, async (s, a, n, v) => {
          const ndoId = await s.workflow.addNdo(a, n, {
            authority: o.authority,
            issuingCourt: o.court,
            issuedAt: (await date('--issued', o.issued)) ?? null,
            expiresAt: (await date('--expires', o.expires)) ?? null,
            expectedVersion: v,
          });
          out(`order ${ndoId} recorded`);
        });
      },
    );
  common(ndo.command('lift <id> <ndoId>'))
    .description('record that an order was lifted; the held notice becomes due')
    .option('--lifted-at <when>', 'when (default: now)')
    .action(async (id: string, ndoId: string, o: Common & { liftedAt?: string }) => {
      await run(id, o, async (s, a, n, v) =>
        s.workflow.liftNdo(a, n, positive('ndoId', ndoId), {
          liftedAt: await date('--lifted-at', o.liftedAt),
          expectedVersion: v,
        }),
      );
    });
  common(ndo.command('review <id> <ndoId>'))
    .description('record that the order was reviewed (or judicial review was asked for)')
    .action(async (id: string, ndoId: string, o: Common) => {
      await run(id, o, (s, a, n, v) =>
        s.workflow.reviewNdo(a, n, positive('ndoId', ndoId), { expectedVersion: v }),
      );
    });

  common(request.command('notice <id> <status>'))
    .description(`record the customer-notice status (${NOTICE_STATUSES.join(', ')}) with a reason`)
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, status: string, o: Common & { reason: string }) => {
      if (!(NOTICE_STATUSES as readonly string[]).includes(status)) {
        throw new CandorError('invalid', `status: expected one of ${NOTICE_STATUSES.join(', ')}`);
      }
      await run(id, o, (s, a, n, v) =>
        s.workflow.recordNotice(a, n, {
          status: status as NoticeStatus,
          reason: o.reason,
          expectedVersion: v,
        }),
      );
    });

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
