import type { Command } from 'commander';
import { CandorError, zodIssues } from '../../errors.ts';
import { withContext } from '../context.ts';
import { out } from '../output.ts';

const idArg = (name: string) => (s: string) => {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647)
    throw new CandorError('invalid', `${name}: expected a positive integer`);
  return n;
};

/** `candor portal ...`: the agency portal's domain rules and the registrations waiting for review (admins). */
export function register(p: Command): void {
  const portal = p
    .command('portal')
    .description('the agency portal: domain rules, registrations (docs/portal.md)');
  const domains = portal.command('domains').description('the official e-mail domains officers register with');
  domains
    .command('list')
    .description('print every rule: id, rule, country, who added it')
    .option('--json', 'print it as JSON')
    .action(async (o: { json?: boolean }) => {
      const rules = await withContext(({ services, actor }) => services.portal.accounts.rules(actor));
      if (o.json) return out(JSON.stringify(rules, null, 2));
      if (rules.length === 0) out('no domain rules: every registration waits for review');
      for (const r of rules)
        out(`${r.id}\t${r.rule}\t${r.kind}\t${r.country ?? '-'}\t${r.added_by}\t${r.added_at}`);
    });
  domains
    .command('add <domain>')
    .description('add a rule: fbi.gov (that domain only) or .gov (every domain under it)')
    .option('--suffix', 'a suffix rule without the leading dot (police.uk)')
    .option('--country <code>', 'the country of the agencies under it (ISO 3166-1 alpha-2, such as US)')
    .action(async (domain: string, o: { suffix?: boolean; country?: string }) => {
      // The schemas (zod) are imported by the commands that parse them, not by `candor --help`.
      const { domainRuleInput } = await import('../../domain/portal-domains.ts');
      const parsed = domainRuleInput.safeParse({ domain, suffix: o.suffix, country: o.country });
      if (!parsed.success)
        throw new CandorError('invalid', 'the rule is not valid', zodIssues(parsed.error.issues));
      const r = await withContext(({ services, actor }) =>
        services.portal.accounts.addRule(actor, parsed.data.domain, parsed.data),
      );
      out(`added rule ${r.id}: ${r.rule}`);
    });
  domains
    .command('remove <id>')
    .description('remove a rule (accounts it admitted stay active)')
    .action(async (id: string) => {
      const n = idArg('ID')(id);
      await withContext(({ services, actor }) => services.portal.accounts.removeRule(actor, n));
      out(`removed rule ${n}`);
    });

  const regs = portal.command('registrations').description('registrations whose domain is on no rule');
  regs
    .command('list')
    .description('print the registrations waiting for review')
    .option('--json', 'print it as JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await withContext(({ services, actor }) => services.portal.accounts.pendingReviews(actor));
      if (o.json) return out(JSON.stringify(list, null, 2));
      if (list.length === 0) out('no registration is waiting for review');
      for (const u of list)
        out(
          `${u.id}\t${u.email}\t${u.name}, ${u.title}\t${u.agency} (${u.country})\t${u.phone}\t${u.registered_at}`,
        );
    });
  regs
    .command('approve <id>')
    .description('approve a registration: the officer is told by e-mail and can sign in')
    .action(async (id: string) => {
      const n = idArg('ID')(id);
      await withContext(({ services, actor }) => services.portal.accounts.approve(actor, n));
      out(`approved registration ${n}`);
    });
  regs
    .command('refuse <id>')
    .description('refuse a registration; the reason is e-mailed to the applicant')
    .requiredOption('--reason <text>', 'why (sent to the applicant)')
    .action(async (id: string, o: { reason: string }) => {
      const n = idArg('ID')(id);
      const { refusalInput } = await import('../../domain/portal-domains.ts');
      const parsed = refusalInput.safeParse(o);
      if (!parsed.success)
        throw new CandorError('invalid', 'the refusal is not valid', zodIssues(parsed.error.issues));
      await withContext(({ services, actor }) =>
        services.portal.accounts.refuse(actor, n, parsed.data.reason),
      );
      out(`refused registration ${n}; the reason was e-mailed`);
    });
}
