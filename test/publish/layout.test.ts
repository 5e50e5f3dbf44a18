import { describe, expect, it } from 'vitest';
import { CandorError } from '../../src/errors.ts';
import { repositoryFiles } from '../../src/publish/layout.ts';
import { renderFiles } from '../../src/reports/files.ts';
import { allVersions, h1v1, h1v2, h2v1 } from './versions.ts';

const text = (files: Map<string, Buffer>, p: string) => {
  const b = files.get(p);
  if (!b) throw new Error(`no ${p}`);
  return b.toString('utf8');
};

describe('the repository layout', () => {
  it('is byte-identical when built twice from the same versions', async () => {
    const a = await repositoryFiles(allVersions());
    const b = await repositoryFiles(allVersions());
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [p, bytes] of a) expect(bytes.equals(b.get(p)!), p).toBe(true);
  });

  it('marks a corrected version at the top of every text format and keeps v1 as it was', async () => {
    const f = await repositoryFiles([h1v1(), h1v2()]);
    const top = (p: string) => text(f, p).slice(0, 1500);
    expect(top('reports/2015-H1/report.txt')).toContain('UPDATED VERSION');
    expect(top('reports/2015-H1/report.md')).toContain('UPDATED VERSION');
    expect(text(f, 'reports/2015-H1/report.html')).toMatch(/<body>[\s\S]{0,400}class="updated"/);
    expect(JSON.parse(text(f, 'reports/2015-H1/report.json')).version).toMatchObject({
      number: 2,
      updated: true,
    });
    expect(top('reports/2015-H1/v1/report.txt')).not.toContain('UPDATED VERSION');
    expect(f.get('reports/2015-H1/report.pdf')!.equals(f.get('reports/2015-H1/v2/report.pdf')!)).toBe(true);
  });

  it('records the audit head anchored at freeze time in every report.json', async () => {
    const f = await repositoryFiles(allVersions());
    for (const [p, b] of f)
      if (p.endsWith('report.json')) expect(JSON.parse(b.toString()).audit_head).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(text(f, 'reports/2015-H2/report.json')).audit_head).toBe('a'.repeat(64));
  });

  it('writes a changelog per period with every version, newest first, with what, why, method and date', async () => {
    const c = text(await repositoryFiles([h1v1(), h1v2()]), 'reports/2015-H1/CHANGELOG.md');
    expect(c.indexOf('## Version 2 (correction): 2015-10-02')).toBeLessThan(
      c.indexOf('## Version 1: 2015-08-31'),
    );
    expect(c).toContain('**Why:** The request was answered after the period ended.');
    expect(c).toContain('**Method:** Recomputed from the request record');
    expect(c).toContain('- All requests: requests in process at period end 11 -> 10');
  });

  it('has an Atom feed entry per publication and per correction', async () => {
    const feed = text(await repositoryFiles(allVersions()), 'feed.xml');
    expect(feed.match(/<entry>/g)).toHaveLength(3);
    expect(feed.match(/<category term="correction"\/>/g)).toHaveLength(1);
    expect(feed).toContain('<updated>2016-02-15T12:00:00Z</updated>');
    expect(feed.indexOf('2015-H2 transparency report')).toBeLessThan(feed.indexOf('version 2 (correction)'));
  });

  it('dates DSA Part 1 by the publication and the one before it', async () => {
    const f = await repositoryFiles(allVersions());
    const part1 = text(f, 'reports/2015-H2/dsa/part1.csv');
    expect(part1).toContain('Date of the publication of the report,2016-02-15');
    expect(part1).toContain('Date of the publication of the latest previous report,2015-10-02');
  });

  it('publishes the DSA files byte for byte as frozen (their hashes match), whichever versions are around', async () => {
    for (const versions of [allVersions(), [h2v1()]]) {
      const published = await repositoryFiles(versions);
      const v = h2v1();
      const frozen = await renderFiles(v.data, ['dsa']);
      for (const name of ['dsa/part1.csv', 'dsa/part2.csv', 'dsa/part3.csv'])
        expect(published.get(`reports/2015-H2/v1/${name}`)?.equals(frozen.get(name)!), name).toBe(true);
    }
  });

  it('publishes no DSA Part 2 for a version frozen before it was produced (schema version 4)', async () => {
    const v = h2v1();
    v.data.schema_version = 4;
    expect([...(await renderFiles(v.data, ['dsa'])).keys()]).toEqual(['dsa/part1.csv', 'dsa/part3.csv']);
    const published = await repositoryFiles([v]);
    expect(published.has('reports/2015-H2/v1/dsa/part1.csv')).toBe(true);
    expect(published.has('reports/2015-H2/v1/dsa/part2.csv')).toBe(false);
  });

  it('refuses a version whose data contradicts it', async () => {
    const v = h1v2();
    v.number = 3;
    await expect(repositoryFiles([h1v1(), v])).rejects.toThrow(CandorError);
    await expect(repositoryFiles([h1v1(), h1v1()])).rejects.toThrow(/given twice/);
  });
});

describe('the static site', () => {
  it('loads nothing from another host, runs no script and links only relatively', async () => {
    const f = await repositoryFiles(allVersions());
    for (const p of ['index.html', 'reports/2015-H1/index.html', 'reports/2015-H2/index.html']) {
      const html = text(f, p);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/(src|href)\s*=\s*"(https?:|\/\/|\/)/i);
      expect(html).not.toMatch(/url\(/i);
      expect(html).toContain('<meta name="viewport"');
    }
  });

  it("gives every period's page the index's header, leading back to the index", async () => {
    const f = await repositoryFiles(allVersions());
    const header = (p: string) => /<header class="site">[\s\S]*?<\/nav>/.exec(text(f, p))?.[0];
    const index = header('index.html')!;
    expect(index).toContain('<a class="brand" href="index.html">Twilio Inc.: transparency reports</a>');
    for (const p of ['reports/2015-H1/index.html', 'reports/2015-H2/index.html']) {
      // The same header, its links written from two folders down.
      expect(header(p)).toBe(index.replaceAll('href="', 'href="../../'));
      expect(header(p)).toContain('<a class="brand" href="../../index.html">');
    }
  });

  it('is accessible: captions, header scopes, chart text alternatives', async () => {
    const html = text(await repositoryFiles(allVersions()), 'index.html');
    expect(html).toContain('<caption>Published reports, newest first</caption>');
    expect(html).toContain('<th scope="col">Period</th>');
    for (const id of ['requests', 'accounts', 'outcomes', 'notice', 'countries'])
      expect(html).toMatch(
        new RegExp(`<svg[^>]*role="img" aria-labelledby="chart-trend-${id}-title"[^>]*><title`),
      );
  });

  it('escapes every text value', async () => {
    const v = h1v1();
    v.data.provider.name = '<img src=x onerror=alert(1)>';
    v.data.version.changelog[0]!.what = '"><script>x</script>';
    const f = await repositoryFiles([v]);
    for (const p of ['index.html', 'reports/2015-H1/index.html', 'feed.xml']) {
      expect(text(f, p)).not.toContain('<img src=x');
      expect(text(f, p)).not.toContain('<script>x');
    }
  });
});
