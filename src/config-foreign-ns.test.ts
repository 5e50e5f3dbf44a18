import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('CANDOR_FOREIGN_NS', () => {
  it('reports no jurisdiction by default', () => {
    expect(loadConfig({}).foreignNs).toEqual({});
  });
  it('reads the jurisdictions a provider reports', () => {
    expect(loadConfig({ CANDOR_FOREIGN_NS: 'GB:band:250,AU:none' }).foreignNs).toEqual({
      GB: { mode: 'banded', width: 250 },
      AU: { mode: 'none' },
    });
  });
  it('refuses a bad setting naming the variable and each entry, with the other invalid settings', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'x', CANDOR_FOREIGN_NS: 'GB:band:1,US:none' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT:/);
    expect(message).toContain(
      'CANDOR_FOREIGN_NS: "GB:band:1": the band width must be a whole number from 10 to 100000, got "1"',
    );
    expect(message).toMatch(/CANDOR_FOREIGN_NS: "US:none": US national-security process is NSLs and FISA/);
  });
});
