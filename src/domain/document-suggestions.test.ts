import { describe, expect, it } from 'vitest';
import { suggestFromText } from './document-suggestions.ts';

const SUBPOENA = `UNITED STATES DISTRICT COURT
Federal Bureau of Investigation
GRAND JURY SUBPOENA
Case No. GJ-2026-17
To: Example Communications, Inc.
Produce records for account ID: AC0001 and the subscriber jane.doe@example.org, +1 (415) 555-0100.
Dated: November 2, 2026. Return by 2026-11-20.`;

describe('suggestions from the text of legal process', () => {
  const s = suggestFromText(SUBPOENA);
  const values = (field: string) => s.filter((x) => x.field === field).map((x) => x.value);

  it('offers the case number as the external reference', () => {
    expect(values('external_ref')).toContain('GJ-2026-17');
  });
  it('offers agency lines', () => {
    expect(values('agency.name')).toContain('Federal Bureau of Investigation');
  });
  it('reads dates written in words and as ISO dates', () => {
    expect(values('received_at')).toEqual(expect.arrayContaining(['2026-11-02', '2026-11-20']));
  });
  it('finds account ids, e-mail addresses and phone numbers', () => {
    expect(values('accounts')).toEqual(['AC0001']);
    expect(values('identifiers')).toEqual(expect.arrayContaining(['jane.doe@example.org', '+14155550100']));
  });
  it('gives each suggestion a stable id per field, and finds nothing in nothing', () => {
    expect(s.find((x) => x.value === 'GJ-2026-17')?.id).toBe('external_ref:0');
    expect(suggestFromText('')).toEqual([]);
  });
  it('refuses impossible dates', () => {
    expect(suggestFromText('February 30, 2026').filter((x) => x.field === 'received_at')).toEqual([]);
  });
});
