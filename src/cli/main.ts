import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { CandorError, zodIssues } from '../errors.ts';
import { IMPORT_COLUMNS } from '../domain/import-columns.ts';
import { REMINDER_MODES, ROLES } from '../domain/vocabulary.ts';
import { register as registerNotices } from './commands/notices.ts';
import { withContext } from './context.ts';
import { err, out, reportError, watchClosedPipes } from './output.ts';
import { register as registerWorkflow } from './commands/workflow.ts';
import { register as registerPublish } from './commands/publish.ts';
import { register as registerReport } from './commands/report.ts';
import { register as registerKeys } from './commands/keys.ts';
import { collectAnchors } from '../publish/anchors.ts';
import { register as registerDocuments } from './commands/documents.ts';
import { register as registerPortal } from './commands/portal.ts';
import { register as registerComments } from './commands/comments.ts';
import { register as registerChallenge } from './commands/challenge.ts';

/**
 * Each area of the product adds its subcommands here (src/cli/commands/*.ts), so areas do not edit one
 * another's code.
 */
const registrars: Array<(p: Command, setCode: (n: number) => void) => void> = [
  registerWorkflow,
  registerNotices,
  registerReport,
  registerPublish,
  registerKeys,
  registerDocuments,
  registerPortal,
  registerComments,
  registerChallenge,
];

function program(setCode: (n: number) => void): Command {
  const p = new Command('candor')
    .description('Government requests for customer information, and transparency reports.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  p.command('serve')
    .description('serve the web app and the API (embedded database unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port to listen on (default: PORT or 3000)')
    .option('--host <host>', 'address to bind (default: HOST or 127.0.0.1)')
    .action(async (o: { port?: string; host?: string }) => (await import('./serve.ts')).runServe(o));

  const db = p.command('db').description('database maintenance');
  db.command('migrate')
    .description('bring the database schema to the latest version')
    .action(async () => {
      const { migrateToLatest } = await import('../db/migrate.ts');
      const ran = await withContext(async ({ conn }) => migrateToLatest(conn.db), { migrate: false });
      out(ran.length ? `applied: ${ran.join(', ')}` : 'the schema is up to date');
    });

  p.command('demo')
    .description('fill the database with a synthetic, realistic history (2015-H1 to 2026-H2)')
    .option('--seed <n>', 'random seed', '2015')
    .action(async (o: { seed: string }) => (await import('./demo.ts')).runDemo(Number(o.seed)));

  p.command('import <file>')
    .description('import requests from a CSV or JSON Lines file, all or nothing (docs/import-format.md)')
    .addOption(
      new Option('--format <format>', 'file format (default: from the extension)').choices(['csv', 'jsonl']),
    )
    .option('--max-errors <n>', 'how many bad rows to describe', '50')
    .action(async (file: string, o: { format?: 'csv' | 'jsonl'; maxErrors: string }) =>
      (await import('./import.ts')).runImport(file, o),
    );

  const request = p.command('request').description('record and read requests');
  const add = request
    .command('add')
    .description('record one request, from flags named like the import columns or from a JSON file')
    .option('--file <file>', 'a JSON file holding one request in the API shape (POST /api/v1/requests)')
    .option('--attach <ids>', 'documents from `candor document intake` (the served process) to attach')
    .option('--quiet', 'print only the new request id (for ID=$(candor request add ...))');
  for (const c of IMPORT_COLUMNS) add.option(`--${c.replaceAll('_', '-')} <value>`);
  add.action(async (o: Record<string, string | undefined>) => {
    let input;
    if (o.file) {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(o.file, 'utf8'));
      } catch (e) {
        throw new CandorError('invalid', `${o.file}: not a readable JSON file (${(e as Error).message})`);
      }
      const { requestInput } = await import('../domain/request-input.ts');
      const parsed = requestInput.safeParse(json);
      if (!parsed.success)
        throw new CandorError(
          'invalid',
          `${o.file}: the request is not valid`,
          zodIssues(parsed.error.issues),
        );
      input = parsed.data;
    } else {
      const record: Record<string, string> = {};
      for (const c of IMPORT_COLUMNS) {
        const key = c.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase());
        const v = o[key];
        if (v !== undefined) record[c] = v;
      }
      const { rowToRequest } = await import('../domain/import-row.ts');
      const res = rowToRequest(record, 0);
      if (!res.ok) {
        throw new CandorError(
          'invalid',
          'the request is not valid',
          res.errors.map((e) => ({
            field: `--${e.column.replaceAll('_', '-')}`,
            value: e.value,
            message: `expected ${e.expected}`,
          })),
        );
      }
      input = res.value;
    }
    const documentIds = (o.attach ?? '')
      .split(',')
      .filter(Boolean)
      .map((x) => {
        const n = Number(x);
        if (!Number.isInteger(n) || n < 1)
          throw new CandorError('invalid', '--attach: expected document ids, comma-separated');
        return n;
      });
    const created = await withContext(
      ({ services, actor }) => services.requests.create(actor, input, { documentIds }),
      { services: ['requests'] },
    );
    if (o.quiet) out(String(created.id));
    else out(`recorded request ${created.id} (${created.external_ref})`);
  });
  request
    .command('list')
    .description('list requests, newest first, with the filters of GET /api/v1/requests')
    .option('--status <list>', 'comma-separated statuses')
    .option('--process-type <list>', 'comma-separated process types')
    .option('--country <list>', 'comma-separated ISO country codes')
    .option('--outcome <list>', 'comma-separated outcomes, or none')
    .option('--received-from <date>', 'YYYY-MM-DD, inclusive (UTC)')
    .option('--received-to <date>', 'YYYY-MM-DD, inclusive (UTC)')
    .option('--q <text>', 'prefix of the external reference or agency name')
    .option('--sort <key>', 'received_at or external_ref')
    .option('--dir <dir>', 'asc or desc')
    .option('--limit <n>', 'at most this many (1-500)')
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .option('--json', 'print the page as JSON (as the API returns it)')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const { listOptions, listQuery } = await import('../domain/request-list-query.ts');
      const raw: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o))
        if (k !== 'json' && v !== undefined) raw[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
      const parsed = listQuery.safeParse(raw);
      if (!parsed.success) {
        const issues = zodIssues(parsed.error.issues).map((i) => ({
          ...i,
          field: `--${i.field.replaceAll('_', '-')}`,
        }));
        throw new CandorError('invalid', 'the filters are not valid', issues);
      }
      const page = await withContext(
        ({ services, actor }) => services.requests.list(actor, listOptions(parsed.data)),
        { services: ['requests'] },
      );
      if (o.json) {
        out(JSON.stringify(page, null, 2));
        return;
      }
      if (page.items.length === 0) {
        out('no request matches');
        return;
      }
      for (const r of page.items) {
        out(
          [
            String(r.id).padStart(6),
            r.external_ref.padEnd(20),
            r.received_at.slice(0, 10),
            r.status.padEnd(20),
            r.process_type.padEnd(28),
            r.agency_name,
          ].join('  '),
        );
      }
      if (page.next_cursor) out(`more: --cursor ${page.next_cursor}`);
    });
  request
    .command('show <id>')
    .description('print one request as JSON')
    .option('--json', 'JSON (the default; accepted like every read command)')
    .action(async (id: string) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 1) throw new CandorError('invalid', 'id: expected a positive integer');
      const r = await withContext(({ services, actor }) => services.requests.get(actor, n), {
        services: ['requests'],
      });
      out(JSON.stringify(r, null, 2));
    });

  const user = p.command('user').description('users and API tokens');
  user
    .command('add <email>')
    .description('add a user; prints an API token once (only its hash is stored)')
    .addOption(new Option('--role <role>', 'the role').choices(ROLES).makeOptionMandatory())
    .action(async (email: string, o: { role: string }) => {
      const r = await withContext(({ services, actor }) => services.users.add(actor, email, o.role), {
        services: ['users'],
      });
      out(`added ${r.user.email} as ${r.user.role}`);
      out(`API token (shown once, store it now): ${r.token}`);
    });
  user
    .command('token <email>')
    .description('issue another API token for a user')
    .option('--label <label>', 'what the token is for')
    .action(async (email: string, o: { label?: string }) => {
      const t = await withContext(
        ({ services, actor }) => services.users.issueToken(actor, email, o.label ?? null),
        { services: ['users'] },
      );
      out(`API token (shown once, store it now): ${t}`);
    });
  user
    .command('disable <email>')
    .description("disable a user: no sign-in; ends the user's sessions and revokes their API tokens")
    .action(async (email: string) => {
      const r = await withContext(({ services, actor }) => services.users.disable(actor, email), {
        services: ['users'],
      });
      out(
        r.changed
          ? `disabled ${r.email}: ${r.sessions} session(s) ended, ${r.tokens} API token(s) revoked`
          : `${r.email} was already disabled`,
      );
    });
  user
    .command('role <email> <role>')
    .description(`give a user another role (${ROLES.join(', ')}); the last active admin keeps theirs`)
    .action(async (email: string, role: string) => {
      const r = await withContext(({ services, actor }) => services.users.setRole(actor, email, role), {
        services: ['users'],
      });
      out(r.changed ? `${r.email} is now ${r.role} (was ${r.was})` : `${r.email} was already ${r.role}`);
    });
  user
    .command('reminders <email> <mode>')
    .description(
      `set which reminder e-mails a user gets (${REMINDER_MODES.join(', ')}): one per deadline, a daily digest, none`,
    )
    .action(async (email: string, mode: string) => {
      const r = await withContext(({ services, actor }) => services.reminders.setFor(actor, email, mode), {
        services: ['reminders'],
      });
      out(`${r.email} gets reminders: ${r.mode}`);
    });
  user
    .command('enable <email>')
    .description('enable a disabled user again (revoked API tokens stay revoked: issue a new one)')
    .action(async (email: string) => {
      const r = await withContext(({ services, actor }) => services.users.enable(actor, email), {
        services: ['users'],
      });
      out(r.changed ? `enabled ${r.email}` : `${r.email} was not disabled`);
    });
  user
    .command('grant-restricted <email>')
    .description('grant the restricted-matters grant: the user sees restricted requests (audited)')
    .requiredOption('--reason <text>', 'why this person needs to know')
    .action(async (email: string, o: { reason: string }) => {
      const r = await withContext(
        ({ services, actor }) => services.users.grantRestricted(actor, email, o.reason),
        { services: ['users'] },
      );
      out(r.changed ? `${r.email} now sees restricted matters` : `${r.email} already held the grant`);
    });
  user
    .command('revoke-restricted <email>')
    .description('revoke the restricted-matters grant (audited)')
    .requiredOption('--reason <text>', 'why')
    .action(async (email: string, o: { reason: string }) => {
      const r = await withContext(
        ({ services, actor }) => services.users.revokeRestricted(actor, email, o.reason),
        { services: ['users'] },
      );
      out(r.changed ? `${r.email} no longer sees restricted matters` : `${r.email} held no grant`);
    });

  const audit = p.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('recompute the chain and print its head hash')
    .option(
      '--against <path>',
      'also check that every audit head anchored in this published report repository is still in the log',
    )
    .option('--json', 'print the result as JSON (the exit code is the same)')
    .action(async (o: { against?: string; json?: boolean }) => {
      const anchors = o.against ? collectAnchors(o.against) : [];
      // Without --against there are no anchors, and this is the plain chain verification.
      const r = await withContext(
        ({ services, actor }) =>
          services.audit.verifyAgainst(
            actor,
            anchors.map((a) => a.audit_head),
          ),
        { services: ['audit'] },
      );
      if (o.json) {
        out(JSON.stringify(r, null, 2));
        if (!r.ok || r.missing.length) setCode(8);
        return;
      }
      if (r.ok) {
        out(`audit log intact: ${r.count} events, head ${r.head}`);
      } else {
        err(`audit log BROKEN at event ${r.firstBrokenSeq}: ${r.reason} (${r.count} events read)`);
        setCode(8);
      }
      if (o.against) {
        for (const a of anchors.filter((x) => r.missing.includes(x.audit_head)))
          err(`NOT IN THE LOG: ${a.audit_head} anchored in ${a.file}`);
        if (r.missing.length) {
          err(
            `${r.missing.length} of ${r.anchors} anchored heads are missing: the log was rewritten after publication`,
          );
          setCode(8);
        } else {
          out(`all ${r.anchors} audit heads anchored in ${o.against} are in the log`);
        }
      }
    });
  for (const register of registrars) register(p, setCode);
  return p;
}

/** Runs the CLI; returns the exit code (never calls process.exit, so it can run inside tests). */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  watchClosedPipes();
  const p = program((n) => (code = n));
  try {
    await p.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    return reportError(e);
  }
}
