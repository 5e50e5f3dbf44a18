/**
 * Where the published JSON Schemas live, for code that loads them (the JSON renderer, the site, tests).
 * The schema files are generated from `src/reports/report-data.ts`; do not edit them by hand.
 */

/** JSON Schema 2020-12 of report.json (`ReportData`, schema_version 1). */
export const TRANSPARENCY_REPORT_V1 = new URL('./transparency-report.v1.json', import.meta.url);
