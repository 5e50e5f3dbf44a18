import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { report2015H1 } from '../../../test/fixtures/report-2015-h1.ts';
import { MEMBER_STATES, renderDsaPart1, renderDsaPart2, renderDsaPart3 } from './dsa.ts';

/** The official templates of Implementing Regulation (EU) 2024/2835, Annex I (copied into the fixtures). */
const templates = new URL('../../../test/fixtures/eu-dsa-templates/', import.meta.url);
const readCsv = (text: string): string[][] => parse(text, { relax_column_count: false }) as string[][];
const template = (name: string) => readCsv(readFileSync(new URL(name, templates), 'utf8'));

const PLACEHOLDER_SCOPE = 'AT, […], SE';
const OTHER_PLACEHOLDER = 'Text to detail the "Other" keyword.';

describe('DSA Annex I Part 1', () => {
  it('reproduces the template header and indicators', () => {
    const t = template('annex-i-part-1-summary.csv');
    const out = readCsv(
      renderDsaPart1(report2015H1(), { publication_date: '2015-08-31', previous_publication_date: null }),
    );
    expect(out[0]).toEqual(t[0]);
    expect(out.map((r) => [r[0], r[2]])).toEqual(t.map((r) => [r[0], r[2]]));
    expect(out.slice(1).map((r) => r[3])).toEqual([
      'Twilio Inc.',
      '2015-08-31',
      '',
      '2015-01-01',
      '2015-06-30',
    ]);
  });
});

describe('DSA Annex I Part 2', () => {
  const t = template('annex-i-part-2-categories-names.csv');

  it('reproduces the template: header, and every category and sub-category with its label and description', () => {
    const out = readCsv(renderDsaPart2(report2015H1()));
    expect(out[0]).toEqual(t[0]);
    expect(out).toHaveLength(t.length);
    expect(out.map((r) => r.slice(0, 3))).toEqual(t.map((r) => r.slice(0, 3)));
    for (const r of out) expect(r).toHaveLength(4);
  });

  it('says in the contextual column how orders are categorised, and nothing it does not know', () => {
    const data = report2015H1();
    const out = readCsv(renderDsaPart2(data));
    // The fixture carries a sub-category (phishing): sub-categories are said to carry what was recorded.
    expect(out[1]![3]).toMatch(
      /^Orders from Member State authorities .* Sub-categories carry the orders recorded/,
    );
    expect(out.slice(2).every((r) => r[3] === '')).toBe(true);
    // As compute writes it: no sub-category recorded, so none is attributed.
    data.tables.dsa!.rows = data.tables.dsa!.rows.filter((r) => r.keyword === null);
    expect(readCsv(renderDsaPart2(data))[1]![3]).toContain('The record does not hold the sub-category');
    // Before the DSA applied: the template with nothing filled in.
    data.tables.dsa = null;
    expect(
      readCsv(renderDsaPart2(data))
        .slice(1)
        .every((r) => r[3] === ''),
    ).toBe(true);
  });

  it('lists the description of an "Other" sub-category the report uses', () => {
    const data = report2015H1();
    data.tables.dsa!.rows.push({
      ...data.tables.dsa!.rows.find((r) => r.keyword === 'KEYWORD_PHISHING' && r.scope === 'TOTAL')!,
      keyword: 'KEYWORD_OTHER',
      other_description: 'SIM swap fraud',
    });
    const out = readCsv(renderDsaPart2(data));
    const others = out.filter((r) => r[2] === 'KEYWORD_OTHER' && r[3] !== '');
    expect(others.map((r) => [r[0], r[3]])).toEqual([['Category 11g', 'Used for: SIM swap fraud']]);
  });
});

describe('DSA Annex I Part 3', () => {
  const t = template('annex-i-part-3-member-states-orders.csv');
  const data = report2015H1();
  const text = renderDsaPart3(data);
  const out = readCsv(text);

  it('reproduces the exact header row', () => {
    expect(out[0]).toEqual(t[0]);
    expect(text.split('\r\n')[0]).toBe(
      readFileSync(new URL('annex-i-part-3-member-states-orders.csv', templates), 'utf8').split('\n')[0],
    );
  });

  it('follows the template row skeleton: the TOTAL block, then each placeholder row per Member State', () => {
    const states = MEMBER_STATES.filter((m) => data.tables.dsa!.member_states.includes(m));
    expect(states).toEqual(['BE', 'DE']);
    const expected = t
      .slice(1)
      .flatMap((r) =>
        r[5] === PLACEHOLDER_SCOPE ? states.map((s) => [r[0], r[3], s]) : [[r[0], r[3], r[5]]],
      );
    expect(out.slice(1).map((r) => [r[0], r[3], r[5]])).toEqual(expected);
    expect(t.slice(1).filter((r) => r[5] === 'TOTAL')).toHaveLength(91);
    expect(out).toHaveLength(1 + 91 + 90 * states.length);
  });

  it('fills the service and the reporting period, and blanks the "Other" placeholder', () => {
    for (const r of out.slice(1)) {
      expect(r[1]).toBe('Twilio communications platform');
      expect(r[2]).toBe('2015-01-01/2015-06-30');
      expect(r[4]).not.toBe(OTHER_PLACEHOLDER);
      expect(r).toHaveLength(20);
    }
  });

  it('writes 0 where the obligation applies and nothing happened, blank where a figure cannot apply', () => {
    const row = (cat: string, scope: string) => out.find((r) => r[3] === cat && r[5] === scope)!;
    expect(row('TOTAL', 'TOTAL').slice(6, 13)).toEqual(['1', '3', '0', '20', '1', '1', '52']);
    expect(row('STATEMENT_CATEGORY_ANIMAL_WELFARE', 'TOTAL').slice(6, 13)).toEqual([
      '0',
      '0',
      '',
      '',
      '0',
      '',
      '',
    ]);
    expect(row('KEYWORD_ANIMAL_HARM', 'DE').slice(6, 13)).toEqual(['0', '0', '', '', '0', '', '']);
    expect(row('KEYWORD_PHISHING', 'DE').slice(6, 13)).toEqual(['1', '3', '0', '20', '0', '', '']);
    // Speech had an order but no sub-category figures: those cells are unknown, so blank, never 0.
    expect(row('KEYWORD_HATE_SPEECH', 'BE').slice(6, 13)).toEqual(['0', '0', '', '', '', '', '']);
    // Scams had one order to act, recorded as phishing: the other sub-categories add nothing (Annex II: the
    // sub-categories add up to the category), so they are 0, not unknown.
    for (const scope of ['TOTAL', 'DE'])
      expect(row('KEYWORD_INAUTHENTIC_ACCOUNTS', scope).slice(6, 13)).toEqual([
        '0',
        '0',
        '',
        '',
        '0',
        '',
        '',
      ]);
    expect(out.slice(1).every((r) => r.slice(13).every((c) => c === ''))).toBe(true);
  });

  it('leaves every figure blank and lists no Member State when Art. 15 does not apply', () => {
    const r = report2015H1();
    r.tables.dsa = null;
    const rows = readCsv(renderDsaPart3(r));
    expect(rows).toHaveLength(92);
    expect(rows.slice(1).every((row) => row.slice(6).every((c) => c === ''))).toBe(true);
  });

  it('ends records with CRLF', () => {
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
  });
});
