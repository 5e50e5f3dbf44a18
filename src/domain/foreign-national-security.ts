import { z } from 'zod';
import { COUNTRY_CODES, country } from './countries.ts';
import { band, bandSchema } from './national-security.ts';

/**
 * Foreign national-security orders (e.g. a UK Investigatory Powers Act 2016 warrant): process of a foreign
 * state's national-security law, which is not FISA and not an NSL. 50 U.S.C. 1874 does not govern them, so
 * they are never counted in its bands; their own laws usually forbid disclosing them, so they are never counted
 * in an exact table either. Each jurisdiction is reported as the provider configures it (CANDOR_FOREIGN_NS):
 * `none` (the default: not at all, not even a zero) or `banded` in bands of a configured width, over the
 * report's period. Exact counts enter `bandForeignNationalSecurity` and never leave it.
 */

/** The narrowest band a provider may configure: a narrower one is close to an exact count. */
export const FOREIGN_NS_MIN_BAND_WIDTH = 10;
export const FOREIGN_NS_MAX_BAND_WIDTH = 100_000;

/** How one jurisdiction's foreign national-security orders are reported. */
export type ForeignNsRule = { mode: 'none' } | { mode: 'banded'; width: number };

/** Jurisdiction (ISO 3166-1 alpha-2) -> rule; a jurisdiction not named is `none`. */
export type ForeignNsConfig = Readonly<Record<string, ForeignNsRule>>;

/**
 * Parses `GB:band:250,AU:none` (entries separated by commas: `CC:none` or `CC:band:WIDTH`). Every problem is
 * reported, each naming the entry and what was expected.
 */
export function parseForeignNsConfig(
  text: string,
): { ok: true; value: ForeignNsConfig } | { ok: false; errors: string[] } {
  const out: Record<string, ForeignNsRule> = {};
  const errors: string[] = [];
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [code = '', mode = '', width, ...rest] = entry.split(':').map((p) => p.trim());
    const cc = code.toUpperCase();
    const say = (why: string) => errors.push(`"${entry}": ${why}`);
    if (!/^[A-Z]{2}$/.test(cc) || !COUNTRY_CODES.includes(cc)) {
      say('expected an ISO 3166-1 country code first, e.g. GB:band:250');
      continue;
    }
    if (cc === 'US') {
      say(
        'US national-security process is NSLs and FISA, reported under CANDOR_NS_OPTION; name foreign jurisdictions only',
      );
      continue;
    }
    if (cc in out) {
      say(`${cc} is named twice`);
      continue;
    }
    if (mode === 'none' && width === undefined) {
      out[cc] = { mode: 'none' };
      continue;
    }
    if (mode !== 'band' || width === undefined || rest.length > 0) {
      say(`expected ${cc}:none or ${cc}:band:WIDTH, e.g. ${cc}:band:250`);
      continue;
    }
    const w = /^\d+$/.test(width) ? Number(width) : NaN;
    if (!Number.isInteger(w) || w < FOREIGN_NS_MIN_BAND_WIDTH || w > FOREIGN_NS_MAX_BAND_WIDTH) {
      say(
        `the band width must be a whole number from ${FOREIGN_NS_MIN_BAND_WIDTH} to ${FOREIGN_NS_MAX_BAND_WIDTH}, got "${width}"`,
      );
      continue;
    }
    out[cc] = { mode: 'banded', width: w };
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: Object.freeze(out) };
}

/** The jurisdictions reported in bands, by code, with their widths. */
export function bandedJurisdictions(config: ForeignNsConfig): Array<{ jurisdiction: string; width: number }> {
  return Object.entries(config)
    .flatMap(([jurisdiction, rule]) => (rule.mode === 'banded' ? [{ jurisdiction, width: rule.width }] : []))
    .sort((a, b) => a.jurisdiction.localeCompare(b.jurisdiction));
}

export const foreignNationalSecurityTableSchema = z
  .strictObject({
    entries: z
      .array(
        z.strictObject({
          jurisdiction: z
            .string()
            .regex(/^[A-Z]{2}$/)
            .describe(
              'ISO 3166-1 alpha-2 code of the state whose national-security law the orders are under.',
            ),
          jurisdiction_name: z.string().min(1),
          band_width: z
            .number()
            .int()
            .min(FOREIGN_NS_MIN_BAND_WIDTH)
            .max(FOREIGN_NS_MAX_BAND_WIDTH)
            .describe('Width of the band, as the provider configured it for this jurisdiction.'),
          requests: bandSchema.describe(
            'Band of the number of orders received in the period (requests received, never an exact count).',
          ),
        }),
      )
      .describe(
        'One entry per jurisdiction the provider reports in bands (every one, a band of 0 included), by code. ' +
          'Jurisdictions not reported are absent: their absence says nothing about orders received.',
      ),
  })
  .superRefine((t, ctx) => {
    t.entries.forEach((e, i) => {
      const w = e.band_width;
      if (e.requests.low % w !== 0 || e.requests.high !== e.requests.low + w - 1)
        ctx.addIssue({
          code: 'custom',
          path: ['entries', i, 'requests'],
          message: `a band starts at a multiple of ${w} and is ${w} wide`,
        });
    });
  })
  .describe(
    'Foreign national-security orders (e.g. UK Investigatory Powers Act warrants), in bands per jurisdiction as the provider configured; not 50 U.S.C. 1874 process and in no other table.',
  );
export type ForeignNationalSecurityTable = z.infer<typeof foreignNationalSecurityTableSchema>;

/**
 * The publishable table: every banded jurisdiction with the band of its exact count (0 when none came), or null
 * when no jurisdiction is reported in bands (then nothing about foreign national-security orders appears).
 * Counts of jurisdictions not banded are dropped here.
 */
export function bandForeignNationalSecurity(
  config: ForeignNsConfig,
  exactCounts: ReadonlyMap<string, number>,
): ForeignNationalSecurityTable | null {
  const banded = bandedJurisdictions(config);
  if (banded.length === 0) return null;
  return {
    entries: banded.map(({ jurisdiction, width }) => ({
      jurisdiction,
      jurisdiction_name: country(jurisdiction).name,
      band_width: width,
      requests: band(exactCounts.get(jurisdiction) ?? 0, width),
    })),
  };
}
