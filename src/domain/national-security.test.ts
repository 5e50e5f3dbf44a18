import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  band,
  bandNationalSecurity,
  NATIONAL_SECURITY_OPTIONS,
  OPTION_RULES,
  reportingWindows,
  type NationalSecurityExactCounts,
  type NationalSecurityTable,
} from './national-security.ts';

const counts = (n: number): NationalSecurityExactCounts => ({
  nsl: { requests: n, selectors: n },
  fisa_content: { requests: n, selectors: n },
  fisa_non_content: { requests: n, selectors: n },
});

/** Every number in the table, with the key it sits under. */
function numericLeaves(value: unknown, key = ''): Array<[string, number]> {
  if (typeof value === 'number') return [[key, value]];
  if (Array.isArray(value)) return value.flatMap((v) => numericLeaves(v, key));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numericLeaves(v, k));
  }
  return [];
}

describe('band', () => {
  it('puts 0 and 1 in the lowest band, which starts at 0', () => {
    expect(band(0, 1000)).toEqual({ low: 0, high: 999 });
    expect(band(1, 1000)).toEqual({ low: 0, high: 999 });
    expect(band(0, 250)).toEqual({ low: 0, high: 249 });
  });
  it('moves to the next band at the width', () => {
    expect(band(999, 1000)).toEqual({ low: 0, high: 999 });
    expect(band(1000, 1000)).toEqual({ low: 1000, high: 1999 });
    expect(band(1001, 1000)).toEqual({ low: 1000, high: 1999 });
    expect(band(249, 250)).toEqual({ low: 0, high: 249 });
    expect(band(250, 250)).toEqual({ low: 250, high: 499 });
  });
  it('refuses negative or fractional counts', () => {
    expect(() => band(-1, 100)).toThrow(RangeError);
    expect(() => band(1.5, 100)).toThrow(RangeError);
    expect(() => band(1, 0)).toThrow(RangeError);
  });
  it('always holds the count, in a band of the given width starting at a multiple of it', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.constantFrom(100, 250, 500, 1000), (n, w) => {
        const b = band(n, w);
        return b.low <= n && n <= b.high && b.high - b.low === w - 1 && b.low % w === 0;
      }),
    );
  });
});

describe('reportingWindows (50 U.S.C. 1874(b))', () => {
  it('(a)(1)/(a)(2): NSLs the previous 180 days; FISA the 180 days ending 180 days before publication', () => {
    for (const option of ['a1', 'a2'] as const) {
      expect(reportingWindows(option, '2016-01-01')).toEqual({
        nsl: { start: '2015-07-05', end: '2015-12-31' },
        fisa: { start: '2015-01-06', end: '2015-07-04' },
        new_product_fisa_received_on_or_before: '2014-07-10',
      });
    }
  });
  it('(a)(3): everything in the previous 180 days, no FISA delay', () => {
    expect(reportingWindows('a3', '2016-01-01')).toEqual({
      combined: { start: '2015-07-05', end: '2015-12-31' },
    });
  });
  it('(a)(4): the year ending at least a year before publication', () => {
    expect(reportingWindows('a4', '2016-01-01')).toEqual({
      combined: { start: '2014-01-01', end: '2014-12-31' },
    });
    // From a leap day, step back to 28 February so the gap is never shorter than a year.
    expect(reportingWindows('a4', '2016-02-29')).toEqual({
      combined: { start: '2014-02-28', end: '2015-02-27' },
    });
  });
  it('covers exactly 180 days, ending the stated distance before publication', () => {
    const w = reportingWindows('a1', '2015-08-31');
    const days = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
    expect(days(w.nsl!.start, w.nsl!.end) + 1).toBe(180);
    expect(days(w.nsl!.end, '2015-08-31')).toBe(1);
    expect(days(w.fisa!.start, w.fisa!.end) + 1).toBe(180);
    expect(days(w.fisa!.end, '2015-08-31')).toBe(181);
    expect(days(w.new_product_fisa_received_on_or_before!, '2015-08-31')).toBe(540);
  });
  it('refuses a malformed publication date', () => {
    expect(() => reportingWindows('a3', '2015-02-30')).toThrow(/publication date/);
  });
});

describe('bandNationalSecurity', () => {
  const cases = NATIONAL_SECURITY_OPTIONS.flatMap((o) => [0, 1, 249, 250, 1001].map((n) => [o, n] as const));

  it.each(cases)('under %s, refuses to publish the exact count %i', (option, n) => {
    const table = bandNationalSecurity(option, counts(n), '2016-01-01');
    const json = JSON.stringify(table);
    const width = OPTION_RULES[option].bandWidth;
    // No field could hold a count: the only numbers are band bounds and the band width.
    for (const [key, value] of numericLeaves(JSON.parse(json))) {
      expect(['low', 'high', 'band_width']).toContain(key);
      if (key === 'low') expect(value % width).toBe(0);
      if (key === 'high') expect((value + 1) % width).toBe(0);
    }
    expect(json).not.toMatch(/"(count|requests|selectors)":\d/);
    // The exact count appears only where it happens to be a band bound (0 and 249 under (a)(3), ...).
    const bounds = numericLeaves(table).map(([, v]) => v);
    const exactTotals = [n, 3 * n];
    for (const exact of exactTotals) {
      if (bounds.includes(exact)) expect(exact % width === 0 || (exact + 1) % width === 0).toBe(true);
    }
  });

  it('bands six separate counts under (a)(1), with the FISA window delayed', () => {
    const t = bandNationalSecurity(
      'a1',
      {
        nsl: { requests: 1, selectors: 1001 },
        fisa_content: { requests: 0, selectors: 0 },
        fisa_non_content: { requests: 1000, selectors: 2500 },
      },
      '2016-01-01',
    );
    expect(t.band_width).toBe(1000);
    expect(t.entries.map((e) => [e.kind, e.requests, e.selectors])).toEqual([
      ['nsl', { low: 0, high: 999 }, { low: 1000, high: 1999 }],
      ['fisa_content', { low: 0, high: 999 }, { low: 0, high: 999 }],
      ['fisa_non_content', { low: 1000, high: 1999 }, { low: 2000, high: 2999 }],
    ]);
    expect(t.entries[0]!.window).not.toEqual(t.entries[1]!.window);
  });

  it('combines all process under (a)(3) and (a)(4)', () => {
    const t = bandNationalSecurity('a3', counts(100), '2016-01-01');
    expect(t.entries).toEqual([
      {
        kind: 'combined',
        window: { start: '2015-07-05', end: '2015-12-31' },
        requests: { low: 250, high: 499 },
        selectors: { low: 250, high: 499 },
      },
    ]);
    expect(bandNationalSecurity('a4', counts(40), '2016-01-01').entries[0]!.requests).toEqual({
      low: 100,
      high: 199,
    });
  });

  it('has no count field in its type', () => {
    const t: NationalSecurityTable = bandNationalSecurity('a2', counts(3), '2016-01-01');
    // @ts-expect-error -- a banded entry has no exact count
    expect(t.entries[0]!.count).toBeUndefined();
  });
});
