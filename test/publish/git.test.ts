import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CandorError } from '../../src/errors.ts';
import { publish, type Step } from '../../src/publish/git.ts';
import { renderText } from '../../src/reports/render/text.ts';
import { git, isolateGit, tmpDir } from './git-env.ts';
import { h1v1, h1v2, h2v1 } from './versions.ts';

beforeAll(isolateGit);

const now = new Date('2015-10-02T10:00:00Z');
const v1 = [h1v1()];
const v2 = [h1v1(), h1v2()];

/** The repository's full state: HEAD, tags, and what `git status` sees. */
const headOf = (repo: string) => {
  try {
    return git(repo, 'rev-parse', '--verify', '-q', 'HEAD');
  } catch {
    return null; // no commit yet
  }
};
const state = (repo: string) => ({
  head: existsSync(path.join(repo, '.git')) ? headOf(repo) : null,
  tags: existsSync(path.join(repo, '.git')) ? git(repo, 'tag', '--list') : '',
  status: existsSync(path.join(repo, '.git'))
    ? git(repo, 'status', '--porcelain', '--untracked-files=all')
    : '',
});

async function publishedV1(): Promise<string> {
  const repo = tmpDir('repo');
  await publish({ repo, versions: v1, period: '2015-H1', now });
  return repo;
}

describe('publishing to a git repository', () => {
  it('initialises the repository and makes one commit and an annotated tag with the report files', async () => {
    const repo = path.join(tmpDir('new'), 'public-reports');
    const r = await publish({ repo, versions: v1, period: '2015-H1', now });
    expect(r).toMatchObject({ status: 'published', version: 1, tag: '2015-H1-v1', pushed: false });
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('1');
    const files = git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n');
    for (const f of ['report.txt', 'report.md', 'report.csv', 'report.json', 'report.html', 'report.pdf'])
      expect(files).toContain(`reports/2015-H1/${f}`);
    expect(files).toEqual(
      expect.arrayContaining([
        'reports/2015-H1/dsa/part1.csv',
        'reports/2015-H1/dsa/part2.csv',
        'reports/2015-H1/dsa/part3.csv',
        'reports/2015-H1/CHANGELOG.md',
        'reports/2015-H1/v1/report.txt',
        'index.html',
        'feed.xml',
        'README.md',
        'schema/transparency-report.v6.json',
        'schema/transparency-report.v5.json',
        'schema/transparency-report.v4.json',
        'schema/transparency-report.v3.json',
        'schema/transparency-report.v2.json',
        'schema/transparency-report.v1.json',
      ]),
    );
    expect(git(repo, 'cat-file', '-t', '2015-H1-v1')).toBe('tag');
    expect(git(repo, 'log', '-1', '--format=%s')).toBe(
      'Publish the 2015-H1 transparency report (v1): 1 January 2015 to 30 June 2015',
    );
    expect(git(repo, 'tag', '-l', '--format=%(contents:subject)', '2015-H1-v1')).toMatch(
      /^Publish the 2015-H1 transparency report \(v1\)/,
    );
    expect(git(repo, 'log', '-1', '--format=%aI')).toBe('2015-10-02T10:00:00Z'.replace('Z', '+00:00'));
    expect(JSON.parse(git(repo, 'show', 'HEAD:reports/2015-H1/report.json')).audit_head).toBe(
      h1v1().audit_head,
    );
    expect(state(repo).status).toBe('');
  });

  it('publishes a correction whose diff shows exactly the changed figures, keeping v1 readable', async () => {
    const repo = await publishedV1();
    const r = await publish({ repo, versions: v2, period: '2015-H1', now });
    expect(r).toMatchObject({ status: 'published', version: 2, tag: '2015-H1-v2' });
    const subject = git(repo, 'log', '-1', '--format=%s');
    expect(subject).toBe(
      'Correct the 2015-H1 transparency report (v2): The request was answered after the period ended.',
    );
    const body = git(repo, 'log', '-1', '--format=%b');
    expect(body).toContain('All requests: requests in process at period end 11 -> 10');
    expect(body).not.toMatch(/\w+\.\w+\.\w+/); // no internal cell path such as by_country IT.outcomes.x
    expect(body).toMatch(
      /^This is version 2 of the report; it replaces version 1\.\n\nWhat: .+\nWhy: .+\nMethod: .+\nDate: /,
    );
    expect(body).toContain('git diff 2015-H1-v1 2015-H1-v2 -- reports/2015-H1/report.txt');
    expect(body).toContain('Italy: non-content produced 1 -> 2');

    // The long-form CSV: every changed row is a changed figure or the version's own metadata.
    const diff = git(repo, 'diff', '-U0', '2015-H1-v1', '2015-H1-v2', '--', 'reports/2015-H1/report.csv');
    const changed = diff
      .split('\n')
      .filter((l) => /^[-+][^-+]/.test(l))
      .map((l) => l.replace(/\r$/, ''));
    const key = (l: string) => l.slice(1).split(',').slice(0, 6).join(',');
    const figures = (sign: string) =>
      changed.filter((l) => l.startsWith(sign) && !/^.(report|changes),/.test(l));
    expect(figures('+')).toEqual([
      '+summary,measure,in_process,base,requests,count,10',
      '+summary,measure,in_process,base,requests,pct,0.03731343283582089',
      '+country_outcome,country,IT,outcome,non_content_produced,requests,2',
      '+country_outcome,country,IT,outcome,in_process,requests,0',
      '+process_outcome,process_type,police_force_order,outcome,non_content_produced,requests,11',
      '+process_outcome,process_type,police_force_order,outcome,in_process,requests,1',
      // The share with some data produced follows the outcomes that changed.
      '+data_produced,process_type,police_force_order,,,with_outcome,37',
      '+data_produced,process_type,police_force_order,,,some_data_produced,11',
      '+data_produced,process_type,police_force_order,,,pct,0.2972972972972973',
      '+data_produced,country,IT,,,with_outcome,3',
      '+data_produced,country,IT,,,some_data_produced,2',
      '+data_produced,country,IT,,,pct,0.6666666666666666',
    ]);
    expect(figures('-').map(key)).toEqual(figures('+').map(key));
    expect(changed.filter((l) => l.startsWith('-report,')).map(key)).toEqual([
      'report,,,,,version',
      'report,,,,,updated',
      'report,,,,,generated_at',
      'report,,,,,accurate_as_of',
    ]);

    // The text report: the diff carries the new figures and the updated-version banner.
    const text = git(repo, 'diff', '2015-H1-v1', '2015-H1-v2', '--', 'reports/2015-H1/report.txt');
    expect(text).toContain('+* UPDATED VERSION');
    expect(text).toMatch(/^- +Requests in process at period end +11 /m);
    expect(text).toMatch(/^\+ +Requests in process at period end +10 /m);
    expect(text).toMatch(/^- +Italy +3 .* 1$/m);
    expect(text).toMatch(/^\+ +Italy +3 .* 0$/m);

    expect(readFileSync(path.join(repo, 'reports/2015-H1/v1/report.txt'), 'utf8')).toBe(
      renderText(h1v1().data),
    );
    expect(readFileSync(path.join(repo, 'reports/2015-H1/report.txt'), 'utf8')).toBe(renderText(h1v2().data));
    expect(git(repo, 'tag', '--list')).toBe('2015-H1-v1\n2015-H1-v2');
  });

  it('makes no commit when the same version is published again', async () => {
    const repo = await publishedV1();
    const before = state(repo);
    const r = await publish({ repo, versions: v1, period: '2015-H1', now: new Date('2016-01-01T00:00:00Z') });
    expect(r).toEqual({ status: 'unchanged', period: '2015-H1', version: 1, commit: before.head });
    expect(state(repo)).toEqual(before);
  });

  it('refuses while the working tree has foreign uncommitted changes', async () => {
    const repo = await publishedV1();
    writeFileSync(path.join(repo, 'notes.txt'), 'draft\n');
    const err = await publish({ repo, versions: v2, period: '2015-H1', now }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CandorError);
    expect(err).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/uncommitted changes.*notes\.txt/),
    });

    git(repo, 'clean', '-fq');
    writeFileSync(path.join(repo, 'reports/2015-H1/report.txt'), 'edited by hand\n');
    await expect(publish({ repo, versions: v2, period: '2015-H1', now })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(git(repo, 'tag', '--list')).toBe('2015-H1-v1');
  });

  it('publishes another period without publishing frozen versions the repository does not hold yet', async () => {
    const repo = tmpDir('periods');
    await publish({ repo, versions: [h1v1(), h2v1()], period: '2015-H1', now });
    expect(existsSync(path.join(repo, 'reports/2015-H2'))).toBe(false);
    await publish({ repo, versions: [h1v1(), h1v2(), h2v1()], period: '2015-H2', now });
    // 2015-H1 v2 was frozen but not published: publishing 2015-H2 does not publish it.
    expect(existsSync(path.join(repo, 'reports/2015-H1/v2'))).toBe(false);
    expect(existsSync(path.join(repo, 'reports/2015-H2/v1/report.json'))).toBe(true);
    expect(git(repo, 'tag', '--list')).toBe('2015-H1-v1\n2015-H2-v1');
  });

  it('pushes the commit and its tag only when asked', async () => {
    const origin = tmpDir('origin');
    git(origin, 'init', '-q', '--bare');
    const repo = await publishedV1();
    git(repo, 'remote', 'add', 'origin', origin);
    expect(git(origin, 'tag', '--list')).toBe('');
    const r = await publish({ repo, versions: v2, period: '2015-H1', now, push: true });
    expect(r).toMatchObject({ pushed: true });
    expect(git(origin, 'tag', '--list')).toBe('2015-H1-v1\n2015-H1-v2');
    expect(git(origin, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'HEAD'));
  });
});

describe('a failure at any step leaves the repository exactly as it was', () => {
  const steps: Step[] = ['render', 'write', 'add', 'commit', 'tag', 'recorded'];
  for (const failAt of steps) {
    it(`when publishing a correction fails at "${failAt}"`, async () => {
      const repo = await publishedV1();
      const origin = tmpDir('origin');
      git(origin, 'init', '-q', '--bare');
      git(repo, 'remote', 'add', 'origin', origin);
      const before = state(repo);
      const text = readFileSync(path.join(repo, 'reports/2015-H1/report.txt'));
      await expect(
        publish({ repo, versions: v2, period: '2015-H1', now, push: true, failAt }),
      ).rejects.toThrow(`injected failure at ${failAt}`);
      expect(state(repo)).toEqual(before);
      expect(state(repo).status).toBe('');
      expect(readFileSync(path.join(repo, 'reports/2015-H1/report.txt')).equals(text)).toBe(true);
      expect(existsSync(path.join(repo, 'reports/2015-H1/v2'))).toBe(false);
      expect(git(origin, 'tag', '--list')).toBe('');
    });
  }

  for (const failAt of ['write', 'commit', 'tag'] as const) {
    it(`when the first publication into a new repository fails at "${failAt}"`, async () => {
      const repo = tmpDir('fresh');
      await expect(publish({ repo, versions: v1, period: '2015-H1', now, failAt })).rejects.toThrow(
        /injected failure/,
      );
      expect(state(repo)).toEqual({ head: null, tags: '', status: '' });
      expect(existsSync(path.join(repo, 'reports'))).toBe(false);
      expect(existsSync(path.join(repo, 'index.html'))).toBe(false);
    });
  }

  it('except a failed push: the publication is finished here, and pushing again sends it', async () => {
    const repo = await publishedV1();
    const origin = tmpDir('origin');
    git(origin, 'init', '-q', '--bare');
    git(repo, 'remote', 'add', 'origin', origin);
    await expect(
      publish({ repo, versions: v2, period: '2015-H1', now, push: true, failAt: 'push' }),
    ).rejects.toThrow(/2015-H1 v2 is published here, but pushing failed/);
    expect(state(repo)).toMatchObject({ tags: '2015-H1-v1\n2015-H1-v2', status: '' });
    expect(git(origin, 'tag', '--list')).toBe('');
    expect(await publish({ repo, versions: v2, period: '2015-H1', now, push: true })).toMatchObject({
      status: 'unchanged',
    });
    expect(git(origin, 'tag', '--list')).toBe('2015-H1-v1\n2015-H1-v2');
  });

  it('when git itself refuses the commit (a failing pre-commit hook)', async () => {
    const repo = await publishedV1();
    const hook = path.join(repo, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho "refused by policy" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const before = state(repo);
    await expect(publish({ repo, versions: v2, period: '2015-H1', now })).rejects.toThrow(
      /refused by policy/,
    );
    expect(state(repo)).toEqual(before);
  });

  it('when a report does not render (invalid data)', async () => {
    const repo = await publishedV1();
    const before = state(repo);
    const bad = h1v2();
    bad.data.tables.summary.requests.count = -1;
    await expect(publish({ repo, versions: [h1v1(), bad], period: '2015-H1', now })).rejects.toThrow(
      /does not match/,
    );
    expect(state(repo)).toEqual(before);
  });
});

describe('clean outputs (issue 13, item 9)', () => {
  // A correction's reason pasted from anywhere: a terminal escape, a bell, a carriage return, a right-to-left
  // override, a character XML forbids.
  const junk = 'answered late\u001b[31m\u0007 (see\r\nticket\u202E 42)\u0001\uFFFF';
  const dayRange = () => {
    const v = h1v1();
    v.period = '2015-01-01..2015-03-31';
    v.data.period = { ...v.data.period, id: v.period, start: '2015-01-01', end: '2015-03-31' };
    v.data.version.changelog = [{ ...v.data.version.changelog[0]!, what: `First publication: ${junk}` }];
    v.data.provider = { ...v.data.provider, name: `Example\u0008 Communications\u001b]0;owned\u0007` };
    return v;
  };
  // eslint-disable-next-line no-control-regex -- the characters this test looks for
  const controls = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFFFE\uFFFF]/;

  it('publishes a day range under a valid tag, with no control character in any text output', async () => {
    const repo = tmpDir('clean');
    const r = await publish({ repo, versions: [dayRange()], period: '2015-01-01..2015-03-31', now });
    expect(r).toMatchObject({ status: 'published', tag: '2015-01-01--2015-03-31-v1' });
    expect(git(repo, 'check-ref-format', 'refs/tags/2015-01-01--2015-03-31-v1')).toBe('');
    const message = git(repo, 'log', '-1', '--format=%B');
    const tagMessage = git(repo, 'tag', '-l', '--format=%(contents)', '2015-01-01--2015-03-31-v1');
    expect(message).toContain('Example Communications]0;owned received');
    const dir = 'reports/2015-01-01..2015-03-31';
    const outputs = {
      message,
      tagMessage,
      text: readFileSync(path.join(repo, dir, 'report.txt'), 'utf8'),
      markdown: readFileSync(path.join(repo, dir, 'report.md'), 'utf8'),
      html: readFileSync(path.join(repo, dir, 'report.html'), 'utf8'),
      changelog: readFileSync(path.join(repo, dir, 'CHANGELOG.md'), 'utf8'),
      readme: readFileSync(path.join(repo, 'README.md'), 'utf8'),
      feed: readFileSync(path.join(repo, 'feed.xml'), 'utf8'),
    };
    for (const [name, text] of Object.entries(outputs)) {
      expect(text, name).not.toMatch(controls);
      expect(text, name).toContain('Example Communications');
    }
    // The feed is well-formed XML 1.0 to a strict parser (which refuses the characters XML forbids).
    const { SaxesParser } = await import('saxes');
    const parser = new SaxesParser({ xmlns: true });
    const titles: string[] = [];
    let inTitle = false;
    parser.on('opentag', (t) => (inTitle = t.local === 'title'));
    parser.on('text', (t) => inTitle && titles.push(t));
    parser.on('closetag', () => (inTitle = false));
    parser.write(outputs.feed).close();
    expect(titles[0]).toBe('Example Communications]0;owned: transparency reports');
  });

  it('cleanOutput drops what a terminal or XML must not get and keeps the rest', async () => {
    const { cleanOutput } = await import('../../src/domain/primitives.ts');
    expect(cleanOutput(junk)).toBe('answered late[31m (see\nticket 42)');
    expect(cleanOutput('tab\tand\nnewline, emoji 😀, Arabic عربي')).toBe(
      'tab\tand\nnewline, emoji 😀, Arabic عربي',
    );
    expect(cleanOutput('lone \uD800 surrogate \uDC00')).toBe('lone  surrogate ');
  });
});
