import { describe, expect, it } from 'vitest';
import { defaultPublicationDate, uncoveredDays } from './ns-coverage.ts';

describe('the days the 1874(b) windows leave out', () => {
  it('dates a period by its last day plus the lag', () => {
    expect(defaultPublicationDate('2015-06-30', 1)).toBe('2015-07-01');
    expect(defaultPublicationDate('2015-12-31', 45)).toBe('2016-02-14');
  });

  it('(a)(3): two 180-day windows leave the first days of each half-year in no report', () => {
    expect(uncoveredDays('a3', '2015-H1', '2015-07-01', 1)).toEqual([
      { kind: 'combined', start: '2015-01-01', end: '2015-01-01', appears_in: null },
    ]);
    expect(uncoveredDays('a3', '2015-H2', '2016-01-01', 1)).toEqual([
      { kind: 'combined', start: '2015-07-01', end: '2015-07-04', appears_in: null },
    ]);
  });

  it('(a)(1): FISA days of a half-year appear in the next half-year report', () => {
    const gaps = uncoveredDays('a1', '2016-H1', '2016-07-01', 1);
    expect(gaps.filter((g) => g.kind === 'fisa' && g.appears_in === '2016-H2')).toEqual([
      { kind: 'fisa', start: '2016-01-07', end: '2016-06-30', appears_in: '2016-H2' },
    ]);
    expect(gaps.filter((g) => g.kind === 'nsl')).toEqual([
      { kind: 'nsl', start: '2016-01-01', end: '2016-01-02', appears_in: null },
    ]);
  });

  it('(a)(4): a year is reported in the next annual report', () => {
    expect(uncoveredDays('a4', '2015', '2016-01-01', 1)).toEqual([
      { kind: 'combined', start: '2015-01-01', end: '2015-12-31', appears_in: '2016' },
    ]);
  });

  it('a window of its own per half-year covers an annual report but for the statutory gaps', () => {
    const own = {
      combined: [
        { start: '2015-01-02', end: '2015-06-30' },
        { start: '2015-07-05', end: '2015-12-31' },
      ],
    };
    expect(uncoveredDays('a3', '2015', '2016-01-01', 1, own)).toEqual([
      { kind: 'combined', start: '2015-01-01', end: '2015-01-01', appears_in: null },
      { kind: 'combined', start: '2015-07-01', end: '2015-07-04', appears_in: null },
    ]);
  });
});
