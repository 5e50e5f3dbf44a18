import { z } from 'zod';

/**
 * The portal's allow-list of official e-mail domains (docs/portal.md). A rule is an exact domain
 * (`fbi.gov`: that domain only) or a suffix (`.gov`, `.police.uk`: every name under it, and the name itself
 * when it is a domain, as `police.uk` is not but `met.police.uk` is). Pure: no I/O.
 */

export interface DomainRule {
  domain: string;
  kind: 'exact' | 'suffix';
  country: string | null;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The domain of an e-mail address, lower case, or null when the address is not one. */
export function emailDomain(email: string): string | null {
  const e = email.trim().toLowerCase();
  if (e.length > 320 || !/^[^\s@<>()",;:\\[\]]+@[^\s@]+$/.test(e)) return null;
  const domain = e.slice(e.lastIndexOf('@') + 1);
  return domain.split('.').length >= 2 && domain.split('.').every((l) => LABEL.test(l)) ? domain : null;
}

/**
 * Reads a rule as an admin types it: a leading dot (`.gov`) or `*.` makes it a suffix rule; `suffix` forces
 * one (`police.uk` with `--suffix`). Returns a message naming what was expected when it is not a domain.
 */
export function parseDomainRule(
  text: string,
  opts: { suffix?: boolean; country?: string | null } = {},
): { ok: true; rule: DomainRule } | { ok: false; message: string } {
  const t = text.trim().toLowerCase();
  const suffix = opts.suffix === true || t.startsWith('.') || t.startsWith('*.');
  const domain = t.replace(/^\*?\./, '');
  if (!domain || domain.length > 253 || !domain.split('.').every((l) => LABEL.test(l)))
    return {
      ok: false,
      message: 'expected a domain such as fbi.gov, or a suffix such as .gov or .police.uk',
    };
  if (!suffix && !domain.includes('.'))
    return {
      ok: false,
      message: `"${domain}" alone is a top-level domain: write .${domain} for a suffix rule`,
    };
  const country = opts.country ? opts.country.trim().toUpperCase() : null;
  if (country !== null && !/^[A-Z]{2}$/.test(country))
    return { ok: false, message: 'country: expected an ISO 3166-1 alpha-2 code such as US or GB' };
  return { ok: true, rule: { domain, kind: suffix ? 'suffix' : 'exact', country } };
}

/** How a rule is written back: `.gov` for a suffix, `fbi.gov` for an exact domain. */
export const ruleText = (r: Pick<DomainRule, 'domain' | 'kind'>) =>
  r.kind === 'suffix' ? `.${r.domain}` : r.domain;

/** The rule an address's domain matches (an exact rule wins over a suffix), or null when none does. */
export function matchDomain<R extends DomainRule>(email: string, rules: readonly R[]): R | null {
  const domain = emailDomain(email);
  if (!domain) return null;
  const exact = rules.find((r) => r.kind === 'exact' && r.domain === domain);
  if (exact) return exact;
  const suffixes = rules
    .filter((r) => r.kind === 'suffix' && (domain === r.domain || domain.endsWith(`.${r.domain}`)))
    .sort((a, b) => b.domain.length - a.domain.length);
  // A bare top-level suffix (`.gov`) never matches the name itself: `gov` is no one's mail domain.
  return suffixes.find((r) => domain !== r.domain || r.domain.includes('.')) ?? null;
}

/**
 * A domain rule as every door reads it (web form, CLI flags, API body): the rule as typed, whether it is a
 * suffix, and its country. The rule's own checks are `parseDomainRule`'s, run by the service.
 */
export const domainRuleInput = z.strictObject({
  domain: z.string().trim().min(1, 'required').max(300).describe('fbi.gov, or .gov for a suffix rule'),
  suffix: z.boolean().optional().describe('every domain under it (implied by a leading dot)'),
  country: z
    .string()
    .trim()
    .max(2)
    .nullish()
    .transform((c) => (c ? c : null))
    .describe('ISO 3166-1 alpha-2 code, such as US'),
});
export type DomainRuleInput = z.input<typeof domainRuleInput>;

/** Refusing a registration: the reason is e-mailed to the officer. */
export const refusalInput = z.strictObject({
  reason: z.string().trim().min(1, 'required').max(2000).describe('e-mailed to the officer'),
});
