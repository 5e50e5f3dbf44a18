import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const file = (json: string) => {
  const p = path.join(mkdtempSync(path.join(os.tmpdir(), 'candor-policy-')), 'policy.json');
  writeFileSync(p, json);
  return p;
};

describe('CANDOR_POLICY_FILE', () => {
  it('uses the defaults without a file, and the file values with one', () => {
    expect(loadConfig({}).policy.preservation.days).toBe(90);
    const c = loadConfig({ CANDOR_POLICY_FILE: file('{"preservation":{"reminderLeadDays":21}}') });
    expect(c.policy.preservation).toMatchObject({ days: 90, reminderLeadDays: 21 });
  });
  it('names every bad key, with the other invalid settings, at once', () => {
    expect(() =>
      loadConfig({ PORT: 'x', CANDOR_POLICY_FILE: file('{"preservation":{"days":-1},"emergancy":{}}') }),
    ).toThrow(/PORT[\s\S]*preservation\.days[\s\S]*emergancy/);
  });
});
