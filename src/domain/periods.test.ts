import { describe, expect, it } from 'vitest';
import { halfYearsBetween, parsePeriod } from './periods.ts';

describe('parsePeriod', () => {
  it('reads a first half-year as January to June, with an exclusive instant bound', () => {
    expect(parsePeriod('2015-H1')).toEqual({
      id: '2015-H1',
      start: '2015-01-01',
      end: '2015-06-30',
      startInstant: '2015-01-01T00:00:00.000Z',
      endExclusiveInstant: '2015-07-01T00:00:00.000Z',
    });
  });
  it('reads a second half-year, ending on 31 December', () => {
    const p = parsePeriod('2015-h2');
    expect([p.id, p.start, p.end, p.endExclusiveInstant]).toEqual([
      '2015-H2',
      '2015-07-01',
      '2015-12-31',
      '2016-01-01T00:00:00.000Z',
    ]);
  });
  it('reads a calendar year', () => {
    expect(parsePeriod('2016')).toMatchObject({ start: '2016-01-01', end: '2016-12-31' });
  });
  it('reads an explicit inclusive range, including a leap day', () => {
    expect(parsePeriod('2016-01-01..2016-02-29')).toMatchObject({
      id: '2016-01-01..2016-02-29',
      end: '2016-02-29',
      endExclusiveInstant: '2016-03-01T00:00:00.000Z',
    });
    expect(parsePeriod('2015-03-31..2015-03-31').start).toBe('2015-03-31');
  });
  it.each([
    ['2015-H3', /expected a period like 2015-H1/],
    ['2015-Q1', /expected a period like/],
    ['', /invalid period ""/],
    ['2015-02-30..2015-03-31', /"2015-02-30" is not a calendar date/],
    ['2015-03-31..2015-01-01', /ends before it starts/],
    ['2015-01-01...2015-03-31', /expected a period like/],
  ])('refuses %j with a clear message', (input, message) => {
    expect(() => parsePeriod(input)).toThrow(message);
  });
});

describe('halfYearsBetween', () => {
  it('lists the half-years from the start of one period to the end of another', () => {
    expect(halfYearsBetween('2015-H2', '2016')).toEqual(['2015-H2', '2016-H1', '2016-H2']);
    expect(halfYearsBetween('2015-H1', '2015-H1')).toEqual(['2015-H1']);
    expect(halfYearsBetween('2015-05-01..2015-08-01', '2015-H2')).toEqual(['2015-H1', '2015-H2']);
  });
  it('refuses a reversed span', () => {
    expect(() => halfYearsBetween('2016-H1', '2015-H2')).toThrow(/ends before/);
  });
});
