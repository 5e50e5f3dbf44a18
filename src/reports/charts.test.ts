import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { report2015H1 } from '../../test/fixtures/report-2015-h1.ts';
import { chartSpecs, refusingLoader, renderChartSvg, renderCharts } from './charts.ts';

describe('charts', () => {
  it('renders every chart to SVG with a text alternative, deterministically', async () => {
    const a = await renderCharts(report2015H1());
    const b = await renderCharts(report2015H1());
    expect(a.map((c) => c.id)).toEqual([
      'by_country',
      'outcomes',
      'process_types',
      'notice',
      'response_time',
    ]);
    for (const [i, c] of a.entries()) {
      expect(c.svg).toMatch(/^<svg[^>]* role="img"/);
      expect(c.svg).toContain(`<title id="chart-${c.id}-title">`);
      expect(c.svg).toBe(b[i]!.svg);
    }
    expect(a[0]!.description).toContain('United States 222, Canada 22');
  });

  it('carries data inline only', () => {
    for (const c of chartSpecs(report2015H1())) expect(c.spec.data).toHaveProperty('values');
  });

  it('refuses to load files or URLs named in a spec', async () => {
    await expect(refusingLoader.load('/etc/passwd')).rejects.toThrow(/refused/);
    const spec = { ...chartSpecs(report2015H1())[0]!.spec, data: { url: '/etc/passwd' } };
    await expect(renderChartSvg('x', spec as never, 't', 'd')).rejects.toThrow(/inline data only/);
    expect(vega.version).toMatch(/^6\./);
  });
});
