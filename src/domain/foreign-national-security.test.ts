import { describe, expect, it } from 'vitest';
import {
  bandForeignNationalSecurity,
  foreignNationalSecurityTableSchema,
  parseForeignNsConfig,
} from './foreign-national-security.ts';
import { inHeadline, sectionOf } from './report-sections.ts';
import { alwaysRestricted } from './restricted.ts';

const parsed = (s: string) => {
  const r = parseForeignNsConfig(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
};
const errors = (s: string) => {
  const r = parseForeignNsConfig(s);
  return r.ok ? [] : r.errors;
};

describe('CANDOR_FOREIGN_NS syntax', () => {
  it('reads banded and none jurisdictions, codes in any case, spaces and empty entries ignored', () => {
    expect(parsed(' gb:band:250 , AU:none,,')).toEqual({
      GB: { mode: 'banded', width: 250 },
      AU: { mode: 'none' },
    });
    expect(parsed('')).toEqual({});
  });
  it('names each bad entry and what was expected, all at once', () => {
    const e = errors('GB:band:5,XX:none,US:band:250,AU:banded:100,FR:none,FR:band:100,DE:band:1e3,IT:band');
    expect(e).toEqual([
      '"GB:band:5": the band width must be a whole number from 10 to 100000, got "5"',
      '"XX:none": expected an ISO 3166-1 country code first, e.g. GB:band:250',
      expect.stringMatching(/^"US:band:250": US national-security process is NSLs and FISA/),
      '"AU:banded:100": expected AU:none or AU:band:WIDTH, e.g. AU:band:250',
      '"FR:band:100": FR is named twice',
      '"DE:band:1e3": the band width must be a whole number from 10 to 100000, got "1e3"',
      '"IT:band": expected IT:none or IT:band:WIDTH, e.g. IT:band:250',
    ]);
    expect(errors('GB:none:250')).toEqual([
      '"GB:none:250": expected GB:none or GB:band:WIDTH, e.g. GB:band:250',
    ]);
  });
});

describe('banding foreign national-security orders', () => {
  const config = parsed('GB:band:250,AU:band:100,FR:none');
  it('bands every banded jurisdiction, zero included, and drops the others', () => {
    const t = bandForeignNationalSecurity(
      config,
      new Map([
        ['GB', 3],
        ['AU', 100],
        ['FR', 7],
        ['DE', 2],
      ]),
    );
    expect(t).toEqual({
      entries: [
        {
          jurisdiction: 'AU',
          jurisdiction_name: 'Australia',
          band_width: 100,
          requests: { low: 100, high: 199 },
        },
        {
          jurisdiction: 'GB',
          jurisdiction_name: 'United Kingdom',
          band_width: 250,
          requests: { low: 0, high: 249 },
        },
      ],
    });
    const none = bandForeignNationalSecurity(config, new Map());
    expect(none?.entries.map((e) => [e.jurisdiction, e.requests])).toEqual([
      ['AU', { low: 0, high: 99 }],
      ['GB', { low: 0, high: 249 }],
    ]);
  });
  it('has no table at all when no jurisdiction is banded', () => {
    expect(bandForeignNationalSecurity({}, new Map([['GB', 3]]))).toBeNull();
    expect(bandForeignNationalSecurity(parsed('GB:none'), new Map([['GB', 3]]))).toBeNull();
  });
  it('refuses a published band that is not a band of its width', () => {
    const bad = {
      entries: [
        {
          jurisdiction: 'GB',
          jurisdiction_name: 'United Kingdom',
          band_width: 250,
          requests: { low: 3, high: 3 },
        },
      ],
    };
    expect(foreignNationalSecurityTableSchema.safeParse(bad).success).toBe(false);
  });
});

describe('foreign national-security process', () => {
  const facts = { case_class: null, demand_kind: 'disclose' as const, emergency: false };
  it('is its own section, out of the headline and out of the 1874 section', () => {
    const s = sectionOf({ ...facts, process_type: 'foreign_national_security_order' });
    expect(s).toBe('foreign_national_security');
    expect(inHeadline(s)).toBe(false);
    expect(sectionOf({ ...facts, process_type: 'national_security_letter' })).toBe('national_security');
  });
  it('is always restricted', () => {
    expect(alwaysRestricted('foreign_national_security_order')).toBe(true);
    expect(alwaysRestricted('police_force_order')).toBe(false);
  });
});
