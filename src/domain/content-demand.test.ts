import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DSA_KEYWORDS_BY_CATEGORY, dsaKeywordsOf } from './dsa-keywords.ts';
import { rowToRequest } from './import-row.ts';
import { requestInput } from './request-input.ts';

/** A DSA Art. 9 order from a German court to restrict one item (issue 19.8, 16.1). */
const order = {
  external_ref: 'DSA-9-1',
  received_at: '2026-03-02T10:00:00Z',
  agency: { name: 'Landgericht Berlin', kind: 'court', level: 'state', country: 'DE' },
  process_type: 'takedown_request',
  channel: 'dsa_art_9',
  dsa_category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
};
const issues = (input: Record<string, unknown>) => {
  const r = requestInput.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the DSA keyword of an order', () => {
  it('is accepted when it is a sub-category of the order’s category (any case)', () => {
    const r = requestInput.parse({ ...order, dsa_keyword: 'keyword_hate_speech' });
    expect(r.dsa_keyword).toBe('KEYWORD_HATE_SPEECH');
  });

  it('is refused outside the order’s category, naming both and what the category takes', () => {
    expect(issues({ ...order, dsa_keyword: 'KEYWORD_PHISHING' })).toEqual([
      'dsa_keyword: KEYWORD_PHISHING is not a sub-category of STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH (expected one of KEYWORD_DEFAMATION, KEYWORD_DISCRIMINATION, KEYWORD_HATE_SPEECH, KEYWORD_OTHER)',
    ]);
  });

  it('is refused without a category, and under a category that has none', () => {
    expect(issues({ ...order, dsa_category: null, dsa_keyword: 'KEYWORD_DEFAMATION' })).toEqual([
      'dsa_keyword: KEYWORD_DEFAMATION needs a dsa_category (a keyword is a sub-category of one)',
    ]);
    expect(
      issues({
        ...order,
        dsa_category: 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER',
        dsa_keyword: 'KEYWORD_OTHER',
      }),
    ).toEqual([
      'dsa_keyword: KEYWORD_OTHER is not a sub-category of STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER (it has none)',
    ]);
  });

  it('describes "Other" only with KEYWORD_OTHER', () => {
    expect(
      issues({ ...order, dsa_keyword: 'KEYWORD_OTHER', dsa_keyword_other: 'Insult of a public official' }),
    ).toEqual([]);
    expect(issues({ ...order, dsa_keyword: 'KEYWORD_DEFAMATION', dsa_keyword_other: 'Insult' })).toEqual([
      'dsa_keyword_other: describes the sub-category "Other": only with dsa_keyword KEYWORD_OTHER',
    ]);
  });

  it('follows the official Annex I Part 2 template, category by category', () => {
    const template = parse(
      readFileSync(
        new URL('../../test/fixtures/eu-dsa-templates/annex-i-part-2-categories-names.csv', import.meta.url),
      ),
      { bom: true, relax_column_count: true },
    ) as string[][];
    const tree: Array<[string, string[]]> = [];
    for (const row of template.slice(1)) {
      const code = (row[2] ?? '').trim();
      if (code.startsWith('STATEMENT_CATEGORY_')) tree.push([code, []]);
      else if (code.startsWith('KEYWORD_')) tree.at(-1)![1].push(code);
    }
    expect(DSA_KEYWORDS_BY_CATEGORY.map(([c, k]) => [c, [...k]])).toEqual(tree);
    expect(dsaKeywordsOf('STATEMENT_CATEGORY_SCAMS_AND_FRAUD')).toContain('KEYWORD_PHISHING');
  });
});

describe('the legal basis of a restriction demand', () => {
  it('is recorded for a demand to restrict, with the law named for a local-law basis', () => {
    const r = requestInput.parse({ ...order, restriction_basis: 'local_law', restriction_law: 'NetzDG § 3' });
    expect(r).toMatchObject({ restriction_basis: 'local_law', restriction_law: 'NetzDG § 3' });
    const account = { ...order, process_type: 'court_order', demand_kind: 'restrict_account' };
    expect(issues({ ...account, restriction_basis: 'provider_terms' })).toEqual([]);
  });

  it('is refused on a request that restricts nothing, and a law without a local-law basis', () => {
    const disclose = { ...order, process_type: 'subpoena', channel: 'domestic', dsa_category: null };
    expect(issues({ ...disclose, restriction_basis: 'local_law' })).toEqual([
      'restriction_basis: is recorded for a demand to restrict content or an account only (process_type takedown_request or demand_kind restrict_content / restrict_account)',
    ]);
    expect(issues({ ...order, restriction_basis: 'provider_terms', restriction_law: 'NetzDG' })).toEqual([
      'restriction_law: names the law a demand cites: only with restriction_basis local_law',
    ]);
    expect(issues({ ...order, restriction_basis: 'treaty' })[0]).toMatch(/^restriction_basis: /);
  });
});

describe('the import row of a content demand', () => {
  const row = {
    external_ref: 'T-1',
    received_at: '2026-03-02',
    agency_name: 'Bundesministerium des Innern',
    agency_kind: 'executive',
    agency_level: 'federal',
    country: 'DE',
    process_type: 'takedown_request',
    dsa_category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  };

  it('reads the keyword, its "Other" description, the basis and the law', () => {
    const r = rowToRequest(
      {
        ...row,
        dsa_keyword: 'KEYWORD_OTHER',
        dsa_keyword_other: 'Unlicensed gambling',
        restriction_basis: 'local_law',
        restriction_law: 'GlüStV',
      },
      2,
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        agency: { kind: 'executive' },
        dsa_keyword: 'KEYWORD_OTHER',
        dsa_keyword_other: 'Unlicensed gambling',
        restriction_basis: 'local_law',
        restriction_law: 'GlüStV',
      },
    });
  });

  it('names the column of a keyword outside its category and of an unknown basis', () => {
    const r = rowToRequest({ ...row, dsa_keyword: 'KEYWORD_HATE_SPEECH', restriction_basis: 'law' }, 9);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(
      expect.objectContaining({ line: 9, column: 'dsa_keyword', value: 'KEYWORD_HATE_SPEECH' }),
    );
    expect(r.errors).toContainEqual({
      line: 9,
      column: 'restriction_basis',
      value: 'law',
      expected: 'one of: local_law, provider_terms, not_stated',
    });
  });
});
