import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailDomain, matchDomain, parseDomainRule, ruleText, type DomainRule } from './portal-domains.ts';

const rule = (text: string, suffix = false): DomainRule => {
  const r = parseDomainRule(text, { suffix });
  if (!r.ok) throw new Error(r.message);
  return r.rule;
};

describe('portal domain rules', () => {
  it('reads exact domains and suffix rules as an admin types them', () => {
    expect(rule('FBI.gov')).toEqual({ domain: 'fbi.gov', kind: 'exact', country: null });
    expect(rule('.gov')).toEqual({ domain: 'gov', kind: 'suffix', country: null });
    expect(rule('*.mil')).toMatchObject({ domain: 'mil', kind: 'suffix' });
    expect(rule('police.uk', true)).toMatchObject({ domain: 'police.uk', kind: 'suffix' });
    expect(ruleText(rule('.police.uk'))).toBe('.police.uk');
    expect(parseDomainRule('gov')).toMatchObject({ ok: false, message: expect.stringContaining('.gov') });
    expect(parseDomainRule('not a domain')).toMatchObject({ ok: false });
    expect(parseDomainRule('-x.gov')).toMatchObject({ ok: false });
    expect(parseDomainRule('.gov', { country: 'usa' })).toMatchObject({ ok: false });
  });

  it('matches an address by exact domain or by suffix, never by a look-alike', () => {
    const rules = [rule('.gov'), rule('fbi.gov'), rule('police.uk', true), rule('example.org')];
    expect(matchDomain('agent@fbi.gov', rules)).toMatchObject({ kind: 'exact', domain: 'fbi.gov' });
    expect(matchDomain('a@dea.gov', rules)).toMatchObject({ kind: 'suffix', domain: 'gov' });
    expect(matchDomain('a@met.police.uk', rules)).toMatchObject({ domain: 'police.uk' });
    expect(matchDomain('a@police.uk', rules)).toMatchObject({ domain: 'police.uk' });
    expect(matchDomain('a@notpolice.uk', rules)).toBeNull();
    expect(matchDomain('a@fbi.gov.evil.com', rules)).toBeNull();
    expect(matchDomain('a@sub.example.org', rules)).toBeNull();
    expect(matchDomain('a@gov', rules)).toBeNull();
    expect(matchDomain('a@evil.com@fbi.gov', rules)).toBeNull();
    expect(emailDomain('x@Sub.FBI.gov')).toBe('sub.fbi.gov');
  });

  it('a match always ends with the rule domain at a label boundary', () => {
    const rules = [rule('.gov'), rule('police.uk', true), rule('fbi.gov')];
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const m = matchDomain(email, rules);
        if (!m) return;
        const d = emailDomain(email)!;
        expect(d === m.domain || d.endsWith(`.${m.domain}`)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
