import { describe, expect, it } from 'vitest';
import { requestInput } from './request-input.ts';

describe('request input', () => {
  const base = {
    external_ref: 'GJ-1',
    received_at: '2015-03-01',
    agency: { name: 'FBI', kind: 'law_enforcement', level: 'federal', country: 'us' },
    process_type: 'grand_jury_subpoena',
  };
  it('normalises dates and country codes', () => {
    const r = requestInput.parse(base);
    expect(r.received_at).toBe('2015-03-01T00:00:00.000Z');
    expect(r.agency.country).toBe('US');
    expect(r.channel).toBe('domestic');
  });
  it('refuses an unknown process type, naming the field', () => {
    const res = requestInput.safeParse({ ...base, process_type: 'letter' });
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]?.path).toEqual(['process_type']);
  });
  it('refuses a subdivision of another country', () => {
    const res = requestInput.safeParse({ ...base, agency: { ...base.agency, subdivision: 'DE-BY' } });
    expect(res.success).toBe(false);
  });
});
