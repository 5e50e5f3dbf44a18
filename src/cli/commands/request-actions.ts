import { Command, Option } from 'commander';
import type { z } from 'zod';
import {
  HOLD_REGIMES,
  NUMBER_SOURCES,
  ACCOUNT_RESULTS,
  DATA_SOUGHT,
  MANUAL_RELEASE_REASONS,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  REQUEST_STATUSES,
  APPROVAL_PURPOSES,
} from '../../domain/vocabulary.ts';
import type * as Actions from '../../domain/workflow-actions.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import type { Actor } from '../../services/authorize.ts';
import type { Services } from '../../services/index.ts';
import { withContext } from '../context.ts';
import { out } from '../output.ts';

const RESULTS = ACCOUNT_RESULTS;

/** A positive whole number from an argument or flag, or an error naming it. */
export function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CandorError('invalid', `${name}: expected a positive integer`);
  return n;
}

type Body = Record<string, unknown>;

interface Common {
  as?: string;
  expectVersion?: string;
}

/**
 * One workflow action from the command line: the flags, mapped onto the action's body (the schema the API
 * and the web form share), are parsed through that schema, and an issue names the flag it came from
 * (`--called-back-at`, or `<status>` for an argument); `flags` names those that are not `--` plus the field.
 * Without `--expect-version`, the action applies to the version the request is at now. Prints the request's
 * new state.
 */
async function run<S extends z.ZodType>(
  id: string,
  o: Common,
  /** The action's schema, picked from its module once a command runs (`--help` does not load zod). */
  pick: (actions: typeof Actions) => S,
  /** The body, or how to make it where it needs a look-up (a user's id from an e-mail). */
  body: Body | ((s: Services, actor: Actor) => Promise<Body>),
  fn: (s: Services, actor: Actor, id: number, input: z.output<S>) => Promise<unknown>,
  flags: Record<string, string> = {},
) {
  const n = positive('id', id);
  const expected = o.expectVersion === undefined ? undefined : Number(o.expectVersion);
  await withContext(async ({ services, actor }) => {
    const who = o.as ? await services.workflow.actAs(actor, o.as) : actor;
    const version = expected ?? (await services.requests.get(actor, n)).version;
    const fields = typeof body === 'function' ? await body(services, who) : body;
    const schema = pick(await import('../../domain/workflow-actions.ts'));
    const parsed = schema.safeParse({ version, ...fields });
    if (!parsed.success) {
      const names: Record<string, string> = { version: '--expect-version', ...flags };
      const issues = zodIssues(parsed.error.issues).map((i) => {
        const [head = '', ...rest] = i.field.split('.');
        const flag = names[head] ?? `--${head.replaceAll('_', '-')}`;
        return { field: [flag, ...rest].join('.'), message: i.message };
      });
      throw new CandorError(
        'invalid',
        `the options are not valid: ${issues.map((i) => i.field).join(', ')}`,
        issues,
      );
    }
    await fn(services, who, n, parsed.data);
    const r = await services.requests.get(actor, n);
    out(`request ${r.id} (${r.external_ref}): ${r.status}, notice ${r.notice_status}, version ${r.version}`);
  });
}

const common = (c: Command) =>
  c
    .option('--as <email>', 'act as this user (approvals need a person other than the handler)')
    .option('--expect-version <n>', 'refuse if the request is no longer at this version');

/** The workflow's actions on one request (`candor request transition|assign|...`), one schema each. */
export function registerActions(request: Command): void {
  common(request.command('transition <id> <status>'))
    .description(
      `move a request to another status (${REQUEST_STATUSES.join(', ')}); reopening needs --reason`,
    )
    .option('--reason <text>', 'why (required to reopen)')
    .action(async (id: string, to: string, o: Common & { reason?: string }) => {
      await run(
        id,
        o,
        (a) => a.transitionAction,
        { to, reason: o.reason },
        (s, a, n, input) => s.workflow.transition(a, n, input),
        { to: '<status>' },
      );
    });

  common(request.command('assign <id> <email>'))
    .description('make a user (handler, approver or admin) the handler of a request')
    .action(async (id: string, email: string, o: Common) => {
      await run(
        id,
        o,
        (a) => a.assignAction,
        async (s, who) => ({ user_id: (await s.workflow.actAs(who, email)).userId }),
        (s, a, n, input) => s.workflow.assign(a, n, input),
        { user_id: '<email>' },
      );
    });

  common(request.command('approve <id>'))
    .description('approve as a second person (use --as <approver email>)')
    .addOption(
      new Option('--purpose <purpose>', 'what is approved')
        .choices(APPROVAL_PURPOSES)
        .default('emergency_disclosure'),
    )
    .option('--note <text>', 'a note kept with the approval')
    .action(async (id: string, o: Common & { purpose: string; note?: string }) => {
      await run(
        id,
        o,
        (a) => a.approveAction,
        { purpose: o.purpose, note: o.note },
        (s, a, n, input) => s.workflow.approve(a, n, input),
      );
    });

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
          outcome: string;
          produced: string;
          account?: string[];
          respondedAt?: string;
          overrideReason?: string;
        },
      ) => {
        const body = {
          outcome: o.outcome,
          produced: o.produced.split(',').filter(Boolean),
          accounts: (o.account ?? []).map((pair) => {
            const [account, result] = pair.split('=');
            return { account, result };
          }),
          responded_at: o.respondedAt,
          override_reason: o.overrideReason,
        };
        await run(
          id,
          o,
          (a) => a.responseAction,
          body,
          (s, a, n, input) => s.workflow.respond(a, n, input),
          {
            accounts: '--account',
          },
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
          numberSource: string;
        },
      ) => {
        const body = {
          attests_danger: o.attests,
          verified_by: o.verifiedBy,
          called_back_at: o.calledBackAt,
          number: o.number,
          number_source: o.numberSource,
        };
        await run(
          id,
          o,
          (a) => a.verificationAction,
          body,
          (s, a, n, input) => s.workflow.recordVerification(a, n, input),
          { attests_danger: '--attests' },
        );
      },
    );

  const hold = request.command('hold').description('preservation holds');
  common(hold.command('add <id>'))
    .description('start a preservation hold (90 days under 18 U.S.C. 2703(f))')
    .addOption(new Option('--regime <regime>').choices(HOLD_REGIMES))
    .option('--started-at <when>', 'when the hold started (default: now)')
    .action(async (id: string, o: Common & { regime?: string; startedAt?: string }) => {
      await run(
        id,
        o,
        (a) => a.holdAction,
        { regime: o.regime, started_at: o.startedAt },
        async (s, a, n, input) => {
          out(`hold ${await s.workflow.addHold(a, n, input)} started`);
        },
      );
    });
  common(hold.command('extend <id> <holdId>'))
    .description('extend a running hold once (2703(f)(2))')
    .action(async (id: string, holdId: string, o: Common) => {
      const h = positive('holdId', holdId);
      await run(
        id,
        o,
        (a) => a.versionAction,
        {},
        (s, a, n, input) => s.workflow.extendHold(a, n, h, input),
      );
    });
  common(hold.command('release <id> <holdId>'))
    .description('end a hold by hand')
    .addOption(new Option('--reason <reason>').choices(MANUAL_RELEASE_REASONS).makeOptionMandatory())
    .action(async (id: string, holdId: string, o: Common & { reason: string }) => {
      const h = positive('holdId', holdId);
      await run(
        id,
        o,
        (a) => a.releaseAction,
        { reason: o.reason },
        (s, a, n, input) => s.workflow.releaseHold(a, n, h, input),
      );
    });

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
          authority: string;
          court?: string;
          issued?: string;
          expires?: string;
          indefinite: boolean;
        },
      ) => {
        if (!o.expires === !o.indefinite)
          throw new CandorError('invalid', 'give exactly one of --expires and --indefinite');
        const body = {
          authority: o.authority,
          issuing_court: o.court,
          issued_at: o.issued ?? null,
          expires_at: o.expires ?? null,
        };
        await run(
          id,
          o,
          (a) => a.ndoAction,
          body,
          async (s, a, n, input) => out(`order ${await s.workflow.addNdo(a, n, input)} recorded`),
          { issuing_court: '--court', issued_at: '--issued', expires_at: '--expires' },
        );
      },
    );
  common(ndo.command('lift <id> <ndoId>'))
    .description('record that an order was lifted; the held notice becomes due')
    .option('--lifted-at <when>', 'when (default: now)')
    .action(async (id: string, ndoId: string, o: Common & { liftedAt?: string }) => {
      const k = positive('ndoId', ndoId);
      await run(
        id,
        o,
        (a) => a.liftAction,
        { lifted_at: o.liftedAt },
        (s, a, n, input) => s.workflow.liftNdo(a, n, k, input),
      );
    });
  common(ndo.command('review <id> <ndoId>'))
    .description('record that the order was reviewed (or judicial review was asked for)')
    .action(async (id: string, ndoId: string, o: Common) => {
      const k = positive('ndoId', ndoId);
      await run(
        id,
        o,
        (a) => a.reviewAction,
        {},
        (s, a, n, input) => s.workflow.reviewNdo(a, n, k, input),
      );
    });

  common(request.command('notice <id> <status>'))
    .description(`record the customer-notice status (${NOTICE_STATUSES.join(', ')}) with a reason`)
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, status: string, o: Common & { reason: string }) => {
      await run(
        id,
        o,
        (a) => a.noticeAction,
        { status, reason: o.reason },
        (s, a, n, input) => s.workflow.recordNotice(a, n, input),
        { status: '<status>' },
      );
    });
}
