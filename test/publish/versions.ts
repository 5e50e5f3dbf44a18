import type { ReportData } from '../../src/reports/report-data.ts';
import type { FrozenVersion } from '../../src/reports/versions.ts';
import { report2015H1, report2015H1Updated } from '../fixtures/report-2015-h1.ts';

/**
 * Frozen versions for publishing tests: 2015-H1 v1, its correction v2 (from the 2015-H1 fixture) and a
 * 2015-H2 v1 with different figures. `file_hashes` are not used by publishing.
 */

const frozen = (data: ReportData, frozen_at: string): FrozenVersion => ({
  period: data.period.id,
  number: data.version.number,
  frozen_at,
  audit_head: data.audit_head,
  data,
  file_hashes: {},
});

export const h1v1 = () => frozen(report2015H1(), '2015-08-31T16:00:00Z');
export const h1v2 = () => frozen(report2015H1Updated(), '2015-10-02T09:00:00Z');

export function h2v1(): FrozenVersion {
  const r = report2015H1();
  r.period = { id: '2015-H2', start: '2015-07-01', end: '2015-12-31' };
  r.generated_at = '2016-02-15T10:00:00Z';
  r.accurate_as_of = '2016-02-15T00:00:00Z';
  r.version.changelog = [
    {
      version: 1,
      date: '2016-02-15',
      what: 'First publication.',
      why: 'Semiannual transparency report.',
      method: 'Computed from the request record.',
    },
  ];
  r.audit_head = 'a'.repeat(64);
  const t = r.tables;
  // Fixed when it was frozen: its own date and the latest report before it (2015-H1 v2).
  t.dsa = { ...t.dsa!, publication_date: '2016-02-15', previous_publication_date: '2015-10-02' };
  const us = t.by_country.find((c) => c.country === 'US')!;
  us.requests = 251;
  us.accounts_specified = 104;
  us.outcomes.non_content_produced = 134;
  const ca = t.by_country.find((c) => c.country === 'CA')!;
  ca.requests = 31;
  ca.outcomes.non_content_produced = 21;
  t.summary.requests = { count: 306, pct: 1, base: 'requests' };
  t.summary.accounts_specified = { count: 129, pct: 1, base: 'accounts_specified' };
  t.summary.accounts_with_data_produced = { count: 88, pct: 88 / 129, base: 'accounts_specified' };
  t.notice.given = 63;
  t.notice.not_applicable = 163;
  return frozen(r, '2016-02-15T12:00:00Z');
}

export const allVersions = () => [h1v1(), h1v2(), h2v1()];
