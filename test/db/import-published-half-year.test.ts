import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo, TWILIO_2015_H1 } from '../../src/demo/index.ts';
import { IMPORT_COLUMNS, requestToRow } from '../../src/domain/import-row.ts';
import { defaultPolicy } from '../../src/domain/policy-config.ts';
import { intakeFacts, policyGate } from '../../src/domain/policy-gate.ts';
import { NATIONAL_SECURITY_PROCESS } from '../../src/domain/report-sections.ts';
import { computeReport } from '../../src/reports/compute.ts';
import { renderText } from '../../src/reports/render/text.ts';
import type { Services } from '../../src/services/index.ts';
import { demoHistoryReason } from '../../src/services/demo.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import { tmpDir } from '../publish/git-env.ts';

/**
 * Issue 19, done-when: a provider back-fills a half-year it published long ago, as such a provider's records
 * are: Twilio's 2015-H1 (268 requests: 222 from the US, 46 from 12 other countries, takedowns and preservation
 * included), one row per request, with what its published report says and nothing it never recorded: no
 * notice decisions, no level of the US agencies. The report of the import must read without artefacts: no
 * notice "pending", no US agencies at an "Other" level, takedowns apart from requests for customer information.
 */
let t: TestDb;
let s: Services;
const clock = testClock('2026-12-06T10:00:00Z');
const admin = actor('admin');

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
}, 120_000);
afterAll(async () => t?.close());

describe("a real provider's published half-year, imported as history", () => {
  it('reads as published: 268 requests, US 222, no pending notice, no "Other" level, takedowns apart', async () => {
    // The rows behind Twilio's published figures (the demo's 2015-H1 is built from them), as a provider would
    // export them: national-security process is published only in bands and is not part of the file.
    const rows = generateDemo({ seed: 2015, until: '2015-H1', now: '2015-08-31T00:00:00Z' }).filter(
      (r) => r.received_at < '2015-07-01' && !NATIONAL_SECURITY_PROCESS.includes(r.process_type),
    );
    const columns = [...IMPORT_COLUMNS, 'override_reason'];
    const lines = [columns.join(',')];
    for (const r of rows) {
      const row = requestToRow(r);
      row.notice_status = '';
      if (r.agency.country === 'US') row.agency_level = 'not_recorded';
      // A production the gate of today would refuse (an emergency approved before the record began) carries
      // the provider's written reason, as history from another system does.
      const refusals = policyGate(intakeFacts(r, clock()), defaultPolicy);
      lines.push(
        [...IMPORT_COLUMNS.map((c) => row[c]), refusals.length ? demoHistoryReason(refusals) : '']
          .map(csvField)
          .join(','),
      );
    }
    const file = path.join(tmpDir('published-half-year'), 'twilio-2015-h1.csv');
    writeFileSync(file, `${lines.join('\r\n')}\r\n`);
    const result = await s.imports.importFile(admin, file);
    expect(result.created).toBe(TWILIO_2015_H1.requests);

    const r = await computeReport(t.db, {
      period: '2015-H1',
      provider: { name: 'Twilio Inc.' },
      nsOption: 'a3',
      publicationDate: '2015-08-31',
      now: clock(),
    });
    const tables = r.tables;
    expect(tables.summary.requests.count).toBe(268);
    expect(tables.by_country.find((c) => c.country === 'US')?.requests).toBe(222);
    expect(
      Object.fromEntries(
        tables.by_country.filter((c) => c.country !== 'US').map((c) => [c.country, c.requests]),
      ),
    ).toEqual(TWILIO_2015_H1.international);
    // No notice decision was recorded, and none reads as still to be made.
    expect(tables.notice.pending).toBe(0);
    expect(tables.notice.not_recorded).toBeGreaterThan(0);
    // US agencies whose level was never recorded read as such, never as "Other".
    expect(tables.us_by_level.other?.requests ?? 0).toBe(0);
    expect(tables.us_by_level.not_recorded?.requests).toBe(222);
    // Takedowns apart from requests for customer information, the headline kept whole.
    expect(tables.takedown.requests).toBeGreaterThan(0);
    expect(tables.summary.data_demands!.count + tables.takedown.requests).toBe(268);
    const text = renderText(r).replace(/\s+/g, ' ');
    expect(text).toContain('268 government requests');
    expect(text).toMatch(/Notice decision pending 0 /);
    expect(text).toMatch(new RegExp(`Notice not recorded \\(history\\) ${tables.notice.not_recorded} `));
  });
});
