/**
 * Where the published JSON Schemas live, for code that loads them (the JSON renderer, the site, tests).
 * The schema files are generated from `src/reports/report-data.ts`; do not edit them by hand.
 */

/** JSON Schema 2020-12 of report.json (`ReportData`, schema_version 6; it reads version 1 to 5 data too). */
export const TRANSPARENCY_REPORT = new URL('./transparency-report.v6.json', import.meta.url);
/**
 * The version 5 schema as it was published until the second round of issue 16's fields and issue 19's DSA
 * keywords (December 2026): still published, unchanged, for readers who validate older report.json files with
 * it. Not generated any more.
 */
export const TRANSPARENCY_REPORT_V5 = new URL('./transparency-report.v5.json', import.meta.url);
/**
 * The version 4 schema as it was published until issue 19's changes of December 2026 (data demands apart from
 * takedowns, foreign national-security bands, history as providers published it): still published, unchanged,
 * for readers who validate older report.json files with it. Not generated any more.
 */
export const TRANSPARENCY_REPORT_V4 = new URL('./transparency-report.v4.json', import.meta.url);
/**
 * The version 3 schema as it was published until the standards annex (December 2026): still published,
 * unchanged, for readers who validate older report.json files with it. Not generated any more.
 */
export const TRANSPARENCY_REPORT_V3 = new URL('./transparency-report.v3.json', import.meta.url);
/**
 * The version 2 schema as it was published until issue 16's tables (December 2026): still published,
 * unchanged, for readers who validate older report.json files with it. Not generated any more.
 */
export const TRANSPARENCY_REPORT_V2 = new URL('./transparency-report.v2.json', import.meta.url);
/**
 * The version 1 schema as it was published until December 2026: still published, unchanged, for readers who
 * validate old report.json files with it. Not generated any more.
 */
export const TRANSPARENCY_REPORT_V1 = new URL('./transparency-report.v1.json', import.meta.url);
