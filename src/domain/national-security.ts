import { z } from 'zod';

/**
 * National-security reporting under 50 U.S.C. 1874 (USA FREEDOM Act), DOMAIN.md §3.
 *
 * A provider under an NSL or FISA nondisclosure requirement may publish only bands, using ONE of the four
 * structures of 1874(a) per report. The published table type below has no field that can hold an exact
 * count: the only numbers in it are band bounds and the band width. Exact counts enter through
 * `bandNationalSecurity` and never leave it.
 */

export const NATIONAL_SECURITY_OPTIONS = ['a1', 'a2', 'a3', 'a4'] as const;
export type NationalSecurityOption = (typeof NATIONAL_SECURITY_OPTIONS)[number];

interface OptionRule {
  statute: string;
  bandWidth: (typeof STATUTORY_BAND_WIDTHS)[number];
  frequency: 'semiannual' | 'annual';
  /** (a)(1)/(a)(2) band six separate counts; (a)(3)/(a)(4) band all process combined. */
  structure: 'separate' | 'combined';
}

export const OPTION_RULES: Readonly<Record<NationalSecurityOption, Readonly<OptionRule>>> = Object.freeze({
  a1: { statute: '50 U.S.C. 1874(a)(1)', bandWidth: 1000, frequency: 'semiannual', structure: 'separate' },
  a2: { statute: '50 U.S.C. 1874(a)(2)', bandWidth: 500, frequency: 'semiannual', structure: 'separate' },
  a3: { statute: '50 U.S.C. 1874(a)(3)', bandWidth: 250, frequency: 'semiannual', structure: 'combined' },
  a4: { statute: '50 U.S.C. 1874(a)(4)', bandWidth: 100, frequency: 'annual', structure: 'combined' },
});

/** A calendar date; `format: date` in the JSON Schema (RFC 3339 full-date). */
const isoDate = z.iso.date();

/** The band widths 1874(a) allows: 1000, 500, 250 (half-yearly) and 100 (yearly). */
export const STATUTORY_BAND_WIDTHS = [1000, 500, 250, 100] as const;

export const bandSchema = z
  .strictObject({
    low: z
      .number()
      .int()
      .min(0)
      .describe('Lowest value of the band (inclusive); the first band starts at 0.'),
    high: z.number().int().min(0).describe('Highest value of the band (inclusive).'),
  })
  .describe('A statutory band, published as a numeric pair; never an exact count.');
export type Band = z.infer<typeof bandSchema>;

export const dateWindowSchema = z
  .strictObject({
    start: isoDate.describe('First day covered (inclusive).'),
    end: isoDate.describe('Last day covered (inclusive).'),
  })
  .describe('The days a banded figure covers, which under 1874(b) differ from the report period.');
export type DateWindow = z.infer<typeof dateWindowSchema>;

export const NATIONAL_SECURITY_KINDS = ['nsl', 'fisa_content', 'fisa_non_content', 'combined'] as const;
export type NationalSecurityKind = (typeof NATIONAL_SECURITY_KINDS)[number];

export const nationalSecurityTableSchema = z
  .strictObject({
    option: z.enum(NATIONAL_SECURITY_OPTIONS).describe('The 1874(a) paragraph the provider reports under.'),
    statute: z.string().describe('Citation of that paragraph, e.g. "50 U.S.C. 1874(a)(3)".'),
    band_width: z
      .union(STATUTORY_BAND_WIDTHS.map((w) => z.literal(w)))
      .describe('Width of every band: 1000, 500, 250 or 100 (the option decides which).'),
    frequency: z.enum(['semiannual', 'annual']),
    publication_date: isoDate.describe('The publication date the reporting windows were computed from.'),
    entries: z
      .array(
        z.strictObject({
          kind: z
            .enum(NATIONAL_SECURITY_KINDS)
            .describe(
              'nsl: National Security Letters; fisa_content / fisa_non_content: FISA orders and directives ' +
                '(content; pen register, trap and trace, business records); combined: all national-security ' +
                'process together ((a)(3) and (a)(4)).',
            ),
          period: z
            .string()
            .regex(/^\d{4}-H[12]$/)
            .optional()
            .describe('The half-year this entry covers, in an annual report that shows each half-year.'),
          window: dateWindowSchema,
          requests: bandSchema.describe('Band of the number of orders, directives or letters received.'),
          selectors: bandSchema.describe('Band of the number of customer selectors targeted.'),
        }),
      )
      .describe(
        'Three entries (nsl, fisa_content, fisa_non_content) under (a)(1)/(a)(2); one (combined) otherwise.',
      ),
    uncovered: z
      .array(
        z.strictObject({
          kind: z.enum(['nsl', 'fisa', 'combined']).describe('fisa stands for both FISA entries.'),
          start: isoDate,
          end: isoDate,
          appears_in: z
            .string()
            .nullable()
            .describe('The report (period) whose window holds these days; null when none does.'),
        }),
      )
      .optional()
      .describe(
        "Days of the report's period that no window above covers (180-day windows never cover a year), and where they are reported.",
      ),
  })
  .superRefine((t, ctx) => {
    // The JSON Schema says the same through `bandRules` (reports/report-data.ts); Zod adds the exact high.
    const width = OPTION_RULES[t.option].bandWidth;
    if (t.band_width !== width)
      ctx.addIssue({ code: 'custom', path: ['band_width'], message: `${t.option} bands are ${width} wide` });
    t.entries.forEach((e, i) => {
      for (const k of ['requests', 'selectors'] as const) {
        const b = e[k];
        if (b.low % width !== 0 || b.high !== b.low + width - 1)
          ctx.addIssue({
            code: 'custom',
            path: ['entries', i, k],
            message: `a band starts at a multiple of ${width} and is ${width} wide`,
          });
      }
    });
  })
  .describe('National-security process in statutory bands only (50 U.S.C. 1874).');
export type NationalSecurityTable = z.infer<typeof nationalSecurityTableSchema>;

/** Exact counts, known only inside Candor; the input of `bandNationalSecurity`. */
export interface NationalSecurityExactCounts {
  nsl: { requests: number; selectors: number };
  fisa_content: { requests: number; selectors: number };
  fisa_non_content: { requests: number; selectors: number };
}

/** The band of `width` that holds `count`: 0 -> 0..width-1, width -> width..2*width-1. */
export function band(count: number, width: number): Band {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`band: count must be a whole number >= 0`);
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`band: width must be a whole number >= 1`);
  const low = Math.floor(count / width) * width;
  return { low, high: low + width - 1 };
}

const DAY_MS = 86_400_000;

function parseDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`expected a publication date as YYYY-MM-DD, got "${date}"`);
  }
  return t;
}

const fmt = (t: number): string => new Date(t).toISOString().slice(0, 10);
const addDays = (t: number, days: number): number => t + days * DAY_MS;

/** The same calendar day `years` earlier; 29 February becomes 28 February (so "at least a year" holds). */
function minusYears(t: number, years: number): number {
  const d = new Date(t);
  const y = d.getUTCFullYear() - years;
  const lastDay = new Date(Date.UTC(y, d.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(y, d.getUTCMonth(), Math.min(d.getUTCDate(), lastDay));
}

/** A window of whole days ending the day before `endExclusive`. */
const window = (start: number, endExclusive: number): DateWindow => ({
  start: fmt(start),
  end: fmt(addDays(endExclusive, -1)),
});

export interface ReportingWindows {
  /** NSLs under (a)(1)/(a)(2): the 180 days before publication. */
  nsl?: DateWindow;
  /** FISA under (a)(1)/(a)(2): the 180 days ending at least 180 days before publication. */
  fisa?: DateWindow;
  /** (a)(3): the previous 180 days; (a)(4): the year ending at least a year before publication. */
  combined?: DateWindow;
  /**
   * (a)(1)/(a)(2) only (1874(b)(1)(B)): a first FISA order or directive for a platform, product or service
   * that never had one is reported only if received on or before this day (540 days before publication).
   */
  new_product_fisa_received_on_or_before?: string;
}

/** The periods each banded figure may cover for a report published on `publicationDate` (1874(b)). */
export function reportingWindows(option: NationalSecurityOption, publicationDate: string): ReportingWindows {
  const pub = parseDate(publicationDate);
  switch (option) {
    case 'a1':
    case 'a2':
      return {
        nsl: window(addDays(pub, -180), pub),
        fisa: window(addDays(pub, -360), addDays(pub, -180)),
        new_product_fisa_received_on_or_before: fmt(addDays(pub, -540)),
      };
    case 'a3':
      return { combined: window(addDays(pub, -180), pub) };
    case 'a4': {
      const endExclusive = minusYears(pub, 1);
      return { combined: window(minusYears(pub, 2), endExclusive) };
    }
  }
}

/**
 * Turn exact counts into the publishable table. The counts must already be restricted to the windows of
 * `reportingWindows` (compute's job); this function only bands them and cannot leak them.
 */
export function bandNationalSecurity(
  option: NationalSecurityOption,
  exactCounts: NationalSecurityExactCounts,
  publicationDate: string,
): NationalSecurityTable {
  const rule = OPTION_RULES[option];
  const windows = reportingWindows(option, publicationDate);
  const w = rule.bandWidth;
  const base = {
    option,
    statute: rule.statute,
    band_width: w,
    frequency: rule.frequency,
    publication_date: publicationDate,
  };
  if (rule.structure === 'separate') {
    const { nsl, fisa } = windows as Required<Pick<ReportingWindows, 'nsl' | 'fisa'>>;
    return {
      ...base,
      entries: (['nsl', 'fisa_content', 'fisa_non_content'] as const).map((kind) => ({
        kind,
        window: kind === 'nsl' ? nsl : fisa,
        requests: band(exactCounts[kind].requests, w),
        selectors: band(exactCounts[kind].selectors, w),
      })),
    };
  }
  const all = Object.values(exactCounts);
  const sum = (key: 'requests' | 'selectors') => all.reduce((n, c) => n + c[key], 0);
  return {
    ...base,
    entries: [
      {
        kind: 'combined',
        window: windows.combined as DateWindow,
        requests: band(sum('requests'), w),
        selectors: band(sum('selectors'), w),
      },
    ],
  };
}

/** "0 - 249", for prose; published data always carries the numeric pair as well. */
export const formatBand = (b: Band): string => `${b.low} - ${b.high}`;

/**
 * Why `option` cannot be used for the report of `periodId`, or null when it can. (a)(4) is an annual report
 * (1874(a)(4)), so a half-year or a range of days is refused. (a)(1)/(a)(2) must keep a first FISA order or
 * directive for a platform, product or service that never had one out of reports for 540 days
 * (1874(b)(1)(B)); the record does not say which orders those are, so both options are refused until it
 * does, rather than risk publishing one early.
 */
export function optionRefusal(option: NationalSecurityOption, periodId: string): string | null {
  if (option === 'a4' && !/^\d{4}$/.test(periodId)) {
    return (
      `national-security option a4 (50 U.S.C. 1874(a)(4)) is an annual report: build it for a calendar ` +
      `year such as ${periodId.slice(0, 4)}, not ${periodId}`
    );
  }
  if (option === 'a1' || option === 'a2') {
    return (
      `national-security option ${option} (50 U.S.C. 1874(${option === 'a1' ? 'a)(1' : 'a)(2'})) must hold ` +
      `back a first FISA order for a new platform, product or service for 540 days (1874(b)(1)(B)), and ` +
      `Candor does not record that yet: set CANDOR_NS_OPTION to a3 (half-year) or a4 (annual)`
    );
  }
  return null;
}
