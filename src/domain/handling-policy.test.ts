import { describe, expect, it } from 'vitest';
import { generatedPolicy } from './handling-policy-defaults.ts';
import {
  formatPolicyFile,
  parsePolicyFile,
  policyChanges,
  resolvePolicy,
  sectionTextProblem,
} from './handling-policy.ts';
import { defaultPolicy, policyConfig } from './policy-config.ts';

const engine = (over: object = {}, nsOption: 'a1' | 'a3' = 'a3') => ({
  policy: policyConfig.parse(over),
  nsOption,
  foreignNs: {},
});

describe('the generated "How we handle requests" text follows the configured policy engine', () => {
  it('says what the notice policy enforces, and changes when it is configured otherwise', () => {
    const before = generatedPolicy(engine()).notice;
    expect(before).toContain('unless a court order under 18 U.S.C. 2705(b)');
    expect(before).toContain('at most 90 days');
    expect(before).toContain('by 3 days before our response is due');
    const after = generatedPolicy(
      engine({ emergency: { noticeDelayDays: 30 }, notice: { actByDaysBeforeProduction: 5 } }),
    ).notice;
    expect(after).toContain('at most 30 days');
    expect(after).toContain('by 5 days before our response is due');
    expect(after).not.toContain('at most 90 days');
  });

  it('names the civil-litigant limit, the sign-off rule and the 1874 option as configured', () => {
    expect(generatedPolicy(engine()).pushback).toContain('basic subscriber information at most');
    expect(generatedPolicy(engine({ compel: { civilSubpoenaMax: 'none' } })).pushback).toContain(
      'obtains nothing, and never content',
    );
    expect(generatedPolicy(engine({ signOff: { requiredFor: ['search_warrant'] } })).legal_review).toContain(
      'An attorney signs off in writing before we produce data in answer to a search warrant.',
    );
    expect(generatedPolicy(engine()).national_security).toContain('(50 U.S.C. 1874(a)(3)): in bands of 250');
    expect(generatedPolicy(engine({}, 'a1')).national_security).toContain(
      '(50 U.S.C. 1874(a)(1)): in bands of 1000, every half-year, each kind of process separately',
    );
    const foreign = generatedPolicy({ ...engine(), foreignNs: { GB: { mode: 'banded', width: 250 } } });
    expect(foreign.national_security).toContain('reported in bands for GB (bands of 250)');
  });

  it('lists the executive agreements and the foreign preservation choice', () => {
    expect(generatedPolicy(engine()).foreign_demands).toContain('AU (in force since 2024-01-31) and GB');
    expect(generatedPolicy(engine({ preservation: { foreign: 'refuse' } })).verification).toContain(
      'decline it',
    );
  });
});

describe('the policy file', () => {
  it('keeps written sections by their titles and leaves the others to the generated text', () => {
    const file = formatPolicyFile({ notice: 'We tell customers.\n\n### Exceptions\n\n- one' });
    expect(file).toBe(
      '# How we handle requests\n\n## Notice to customers\n\nWe tell customers.\n\n### Exceptions\n\n- one\n',
    );
    const { written, unknown } = parsePolicyFile(`${file}\n## Something else\n\ntext\n`);
    expect(written).toEqual({ notice: 'We tell customers.\n\n### Exceptions\n\n- one' });
    expect(unknown).toEqual(['Something else']);
    const sections = resolvePolicy(written, generatedPolicy(engine()));
    expect(sections.map((s) => [s.key, s.generated])).toEqual([
      ['legal_review', true],
      ['pushback', true],
      ['verification', true],
      ['notice', false],
      ['emergency', true],
      ['foreign_demands', true],
      ['national_security', true],
      ['content_restriction', true],
    ]);
  });

  it('refuses a heading that would split the file, and strips control characters', () => {
    expect(sectionTextProblem('## Mine')).toMatch(/### or deeper/);
    expect(sectionTextProblem('### Mine')).toBeNull();
    const [s] = resolvePolicy({ legal_review: 'a\u001b[31mb\u202Ec' }, generatedPolicy(engine()));
    expect(s?.text).toBe('a[31mbc');
  });

  it('says in words which sections changed between two versions', () => {
    const gen = generatedPolicy({ policy: defaultPolicy, nsOption: 'a3', foreignNs: {} });
    const a = resolvePolicy({}, gen);
    const b = resolvePolicy({ notice: 'We always notify.' }, gen);
    expect(policyChanges(a, b)).toEqual(["How we handle requests: section 'Notice to customers' changed"]);
    expect(policyChanges(a, a)).toEqual([]);
    expect(policyChanges(undefined, a)).toEqual(['How we handle requests: section added']);
  });
});
