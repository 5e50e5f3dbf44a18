import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CandorError, zodIssues } from '../../errors.ts';
// The notice schemas (zod) are imported by the commands that parse them, not by `candor --help`.
import { NOTICE_KINDS } from '../../domain/vocabulary.ts';
import type { NoticeKind } from '../../domain/notice-policy.ts';
import { withContext } from '../context.ts';
import { out } from '../output.ts';

const requestId = (s: string) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1)
    throw new CandorError('invalid', 'REQUEST_ID: expected a positive integer');
  return n;
};

const kindOption = () =>
  new Option('--kind <kind>', 'the kind of notice (default: what the record calls for)').choices(
    NOTICE_KINDS,
  );

/** `candor contact ...` and `candor notice ...`: customer contacts, templates, preview, sending, the worker. */
export function register(p: Command, setCode: (n: number) => void): void {
  const contact = p.command('contact').description('customer contacts that notices are sent to');
  contact
    .command('set <account>')
    .description('set the contact of an account')
    .requiredOption('--email <email>', 'where notices go')
    .option('--name <name>', 'the customer name')
    .option('--language <tag>', 'BCP 47 language of the notices (default: en)')
    .action(async (account: string, o: { email: string; name?: string; language?: string }) => {
      const { contactInput } = await import('../../domain/notice-template.ts');
      const parsed = contactInput.safeParse(o);
      if (!parsed.success) {
        throw new CandorError('invalid', 'the contact is not valid', zodIssues(parsed.error.issues));
      }
      const c = await withContext(({ services, actor }) =>
        services.notices.setContact(actor, account, parsed.data),
      );
      out(`contact of ${c.account_ref}: ${c.name ? `${c.name} ` : ''}<${c.email}> (${c.language})`);
    });
  contact
    .command('import <file>')
    .description('import contacts from CSV (account_ref,email,name,language), all or nothing')
    .action(async (file: string) => {
      const r = await withContext(({ services, actor }) => services.notices.importContacts(actor, file));
      out(`imported ${r.file}: ${r.rows} contacts, ${r.changed} new or changed`);
    });

  const notice = p.command('notice').description('customer notices: templates, preview, sending');
  const template = notice.command('template').description('the notice texts (admins)');
  template
    .command('list')
    .description('print every template')
    .option('--json', 'print it as JSON')
    .action(async (o: { json?: boolean }) => {
      const ts = await withContext(({ services, actor }) => services.notices.templates(actor));
      if (o.json) return out(JSON.stringify(ts, null, 2));
      for (const t of ts) {
        out(`== ${t.kind} / ${t.language} (version ${t.version}, ${t.updated_by}, ${t.updated_at})`);
        out(`Subject: ${t.subject}`);
        out(t.body);
        out();
      }
    });
  template
    .command('set <kind> <language>')
    .description(
      'save a template; placeholders: {{agency}} {{process_type}} {{received_date}} {{produced}} {{account}} {{provider}}',
    )
    .requiredOption('--subject <text>', 'the subject line')
    .addOption(new Option('--body <text>', 'the body text').conflicts('bodyFile'))
    .option('--body-file <file>', 'read the body from a file')
    .action(
      async (kind: string, language: string, o: { subject: string; body?: string; bodyFile?: string }) => {
        if (!(NOTICE_KINDS as readonly string[]).includes(kind)) {
          throw new CandorError('invalid', `KIND: expected one of ${NOTICE_KINDS.join(', ')}`);
        }
        const body = o.bodyFile ? readFileSync(o.bodyFile, 'utf8') : o.body;
        if (body === undefined) throw new CandorError('invalid', 'give the body with --body or --body-file');
        const { templateInput } = await import('../../domain/notice-template.ts');
        const parsed = templateInput.safeParse({ subject: o.subject, body });
        if (!parsed.success) {
          throw new CandorError('invalid', 'the template is not valid', zodIssues(parsed.error.issues));
        }
        const t = await withContext(({ services, actor }) =>
          services.notices.setTemplate(actor, kind as NoticeKind, language, parsed.data),
        );
        out(`saved ${t.kind} / ${t.language}, version ${t.version}`);
      },
    );

  notice
    .command('preview <requestId>')
    .description('print exactly what would be sent, to whom, and whether the law lets it go now')
    .addOption(kindOption())
    .option('--json', 'print it as JSON')
    .action(async (id: string, o: { kind?: NoticeKind; json?: boolean }) => {
      const r = await withContext(({ services, actor }) =>
        services.notices.preview(actor, requestId(id), o.kind),
      );
      if (o.json) return out(JSON.stringify(r, null, 2));
      out(
        `request ${r.request_id}: notice ${r.notice_status}; decision ${r.decision.status}: ${r.decision.reason}`,
      );
      out(r.may_send_now ? 'may be sent now' : 'may NOT be sent now');
      if (r.may_send_now)
        out(
          r.to_queue.length
            ? `left to queue: ${r.to_queue.join(', ')}`
            : 'nothing left to queue: every reachable account has this notice in the outbox',
        );
      if (r.missing_contacts.length) out(`no contact for: ${r.missing_contacts.join(', ')}`);
      for (const m of r.messages) {
        out();
        out(`To: ${m.name ? `${m.name} ` : ''}<${m.to}>`);
        out(`Subject: ${m.subject}`);
        out(
          `Message-ID: ${m.message_id}   (template ${m.kind}/${m.template.language} v${m.template.version})`,
        );
        out();
        out(m.body);
      }
      for (const o2 of r.outbox) {
        out(
          `outbox #${o2.id} ${o2.kind} -> ${o2.to}: ${o2.status}, ${o2.attempts} attempt(s)${o2.last_error ? `, ${o2.last_error}` : ''}`,
        );
      }
    });
  notice
    .command('send <requestId>')
    .description('queue the notice the record calls for (refused while an order or emergency delay holds it)')
    .addOption(kindOption())
    .action(async (id: string, o: { kind?: NoticeKind }) => {
      const r = await withContext(({ services, actor }) =>
        services.notices.queue(actor, requestId(id), o.kind),
      );
      if (r.notice_status === 'not_possible') {
        out(`request ${r.request_id}: notice not possible: ${r.reason}`);
        setCode(6);
        return;
      }
      out(
        `request ${r.request_id}: ${r.queued.length} ${r.kind} notice(s) queued, ${r.already_queued} already queued`,
      );
      for (const q of r.queued) out(`  #${q.id} ${q.account} -> ${q.to} ${q.message_id}`);
      if (r.missing_contacts.length) out(`  no contact for: ${r.missing_contacts.join(', ')}`);
    });
  notice
    .command('failures')
    .description('notices that failed for good')
    .option('--json', 'print it as JSON')
    .action(async (o: { json?: boolean }) => {
      const fs = await withContext(({ services, actor }) => services.notices.failures(actor));
      if (o.json) return out(JSON.stringify(fs, null, 2));
      if (fs.length === 0) out('no failed notices');
      for (const f of fs) {
        out(
          `#${f.id} request ${f.request_id} (${f.external_ref}) ${f.kind} -> ${f.to_email}: ${f.attempts} attempt(s): ${f.last_error}`,
        );
      }
    });
  notice
    .command('check')
    .description('notices whose delivery was interrupted and may have gone: check each, then settle it')
    .option('--json', 'print it as JSON')
    .action(async (o: { json?: boolean }) => {
      const rows = await withContext(({ services, actor }) => services.notices.possiblySent(actor));
      if (o.json) return out(JSON.stringify(rows, null, 2));
      if (rows.length === 0) out('no notice waits for a check');
      for (const r of rows)
        out(
          `#${r.id} request ${r.request_id} (${r.external_ref}) ${r.kind} -> ${r.to_email} ${r.message_id}, ` +
            `delivery started ${r.delivery_started_at ?? '?'} by ${r.claimed_by ?? '?'}; ` +
            `look for that Message-ID in the mail server's log, then: candor notice settle ${r.id} --sent | --requeue`,
        );
    });
  notice
    .command('settle <outbox-id>')
    .description(
      'after checking a possibly sent notice: --sent (it was delivered) or --requeue (send it again)',
    )
    .option('--sent', 'the message was delivered: record it sent')
    .option('--requeue', 'the message was not delivered: queue it again (same Message-ID)')
    .action(async (id: string, o: { sent?: boolean; requeue?: boolean }) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 1)
        throw new CandorError('invalid', 'outbox-id: expected a positive integer');
      if (!o.sent === !o.requeue) throw new CandorError('invalid', 'give either --sent or --requeue');
      const r = await withContext(({ services, actor }) =>
        services.notices.settlePossiblySent(actor, n, o.sent ? 'sent' : 'requeue'),
      );
      out(
        `notice #${r.id} of request ${r.request_id}: ${r.status === 'sent' ? 'recorded sent' : 'queued again'}`,
      );
    });
  notice
    .command('run-worker')
    .description('release held notices that became due and send queued ones (SMTP, or .eml files)')
    .option('--once', 'one pass, then exit')
    .option('--interval <seconds>', 'seconds between passes', '30')
    .action(async (o: { once?: boolean; interval: string }) => {
      await withContext(async ({ services, conn, config }) => {
        if (o.once) {
          const released = await services.notices.releaseDue();
          const r = await services.noticeWorker.runOnce();
          out(
            `released ${released.queued.length} held notice(s), ${released.not_possible.length} not possible; ` +
              `claimed ${r.claimed}: sent ${r.sent}, retrying ${r.retried}, failed ${r.failed}, cancelled ${r.cancelled}, ` +
              `possibly sent ${r.possiblySent} (check: candor notice check) ` +
              `(delivery: ${services.noticeWorker.describe()})`,
          );
          services.noticeWorker.close();
          return;
        }
        const seconds = Number(o.interval);
        if (!(seconds > 0))
          throw new CandorError('invalid', '--interval: expected a positive number of seconds');
        const { startNoticeWorker } = await import('../../services/notice-worker.ts');
        const loop = startNoticeWorker({
          db: conn.db,
          config,
          clock: () => new Date(),
          intervalMs: seconds * 1000,
          onTick: (r) => {
            if (r.released || r.claimed)
              out(
                `released ${r.released}; sent ${r.sent}, retrying ${r.retried}, failed ${r.failed}, cancelled ${r.cancelled}`,
              );
          },
        });
        out(`notice worker running every ${seconds} s; Ctrl-C stops it`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await loop.stop();
      });
    });
}
