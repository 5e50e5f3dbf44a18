import { describe, expect, it } from 'vitest';
import { requestInput } from './request-input.ts';

const base = {
  external_ref: 'IPA-1',
  received_at: '2026-01-10T09:30:00Z',
  process_type: 'foreign_national_security_order',
  data_sought: ['basic_subscriber'],
  accounts: ['AC1'],
};

describe('a foreign national-security order', () => {
  it('comes from a foreign authority', () => {
    const uk = { name: 'Home Office', kind: 'intelligence', level: 'national', country: 'GB' };
    expect(requestInput.safeParse({ ...base, agency: uk }).success).toBe(true);
  });

  it('from a US agency is refused on process_type, naming what to record instead', () => {
    const fbi = {
      name: 'Federal Bureau of Investigation',
      kind: 'law_enforcement',
      level: 'federal',
      country: 'US',
    };
    const r = requestInput.safeParse({ ...base, agency: fbi });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === 'process_type');
    expect(issue?.message).toMatch(/national_security_letter or FISA/);
  });
});
