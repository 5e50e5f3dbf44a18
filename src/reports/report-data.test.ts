import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { report2015H1 } from '../../test/fixtures/report-2015-h1.ts';
import { reportDataSchema, reportJsonSchema } from './report-data.ts';
import { renderJson, validateReport } from './render/json.ts';

const schemaFile = new URL('../../schema/transparency-report.v6.json', import.meta.url);

describe('report data contract', () => {
  it('publishes the JSON Schema generated from the Zod schema (UPDATE_GOLDEN=1 regenerates it)', () => {
    const generated = reportJsonSchema();
    if (process.env.UPDATE_GOLDEN === '1')
      writeFileSync(schemaFile, `${JSON.stringify(generated, null, 2)}\n`);
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(generated);
    expect(generated.$id).toBe('https://candor.dev/schema/transparency-report.v6.json');
    expect(generated.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('accepts the 2015-H1 fixture, with both the JSON Schema and the Zod schema', () => {
    expect(() => validateReport(report2015H1())).not.toThrow();
    expect(reportDataSchema.safeParse(report2015H1()).success).toBe(true);
  });

  it('refuses a broken report, naming the failing path', () => {
    const broken = report2015H1() as unknown as { tables: { summary: { requests: { pct: number } } } };
    broken.tables.summary.requests.pct = 1.5;
    expect(() => validateReport(broken)).toThrow('/tables/summary/requests/pct');
    const extra = report2015H1() as unknown as { tables: { by_country: Array<Record<string, unknown>> } };
    extra.tables.by_country[0]!.customer_name = 'Alice';
    expect(() => validateReport(extra)).toThrow(/\/tables\/by_country\/0 .*customer_name/);
  });

  it('refuses an exact count in the national-security table', () => {
    const r = report2015H1() as unknown as {
      tables: { national_security: { entries: Array<Record<string, unknown>> } };
    };
    r.tables.national_security.entries[0]!.count = 3;
    expect(() => validateReport(r)).toThrow('/tables/national_security/entries/0');
  });

  it('writes JSON in schema key order whatever order the object was built in', () => {
    const a = report2015H1();
    const reversed = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    expect(renderJson(reversed)).toBe(renderJson(a));
    expect(renderJson(a).startsWith('{\n  "schema_version": 6,\n  "provider"')).toBe(true);
  });

  it('lets an independent validator (ajv) refuse bands the statute does not allow, and dates that do not exist', () => {
    const ajv = new Ajv2020.default({ allErrors: true, allowUnionTypes: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
    const ns = (r: ReturnType<typeof report2015H1>) => r.tables.national_security!;
    expect(validate(report2015H1()), JSON.stringify(validate.errors)).toBe(true);

    const odd = report2015H1();
    ns(odd).entries[0]!.requests = { low: 3, high: 7 };
    expect(validate(odd)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain(
      '/tables/national_security/entries/0/requests/low',
    );
    expect(reportDataSchema.safeParse(odd).success).toBe(false);

    const wide = report2015H1();
    (ns(wide) as { band_width: number }).band_width = 300;
    expect(validate(wide)).toBe(false);
    const other = report2015H1();
    ns(other).band_width = 1000; // a real width, but not the (a)(3) one
    expect(validate(other)).toBe(false);

    const day = report2015H1();
    ns(day).publication_date = '2015-02-30';
    expect(validate(day)).toBe(false);
    expect(validate.errors).toContainEqual(
      expect.objectContaining({
        instancePath: '/tables/national_security/publication_date',
        keyword: 'format',
        params: { format: 'date' },
      }),
    );
  });
});
