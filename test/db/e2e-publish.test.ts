import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import type { Change } from '../../src/reports/diff.ts';
import { sha256 } from '../../src/reports/files.ts';
import type { Services } from '../../src/services/index.ts';
import { loadDemo } from '../../src/services/demo.ts';
import { actor, servicesFor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { git, isolateGit, tmpDir } from '../publish/git-env.ts';

/**
 * The core loop end to end (issue 5, "Done when"): a small deterministic history, every complete half-year
 * frozen and published into a fresh git repository, a correction published as a plain diff, and the audit
 * anchors checked by `candor audit verify --against`, before and after someone rewrites the log.
 */

let t: TestDb;
let s: Services;
const clock = testClock('2016-07-15T09:00:00Z');
const publisher = actor('publisher');
const repo = path.join(tmpDir('e2e'), 'transparency');
const saved = { ...process.env };
const PERIODS = ['2015-H1', '2015-H2', '2016-H1'];

beforeAll(async () => {
  isolateGit();
  t = await testDatabase();
  s = servicesFor(t, clock);
  // Three half-years of the demo history (about 900 requests), loaded as `candor demo` loads it.
  const demo = generateDemo({ seed: 2015, until: '2016-H1', now: clock().toISOString() });
  await t.db.transaction().execute((trx) => loadDemo(trx, demo, { seed: 2015, actor: 'test', now: clock() }));
  // The CLI opens the same database through its own connection: the PostgreSQL URL, or the PGlite socket.
  const pg = t.pgConfig as { connectionString?: string; host?: string };
  process.env.DATABASE_URL =
    pg.connectionString ?? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(pg.host!)}`;
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await t?.close();
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((x) => (out.push(String(x)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((x) => (err.push(String(x)), true));
  try {
    return { code: await main(argv), out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** The lines a diff removed (-) or added (+), without the file headers. */
const diffLines = (diff: string, sign: '-' | '+') =>
  diff
    .split('\n')
    .filter((l) => l.startsWith(sign) && !l.startsWith(`${sign}${sign}${sign}`))
    .map((l) => l.slice(1));

describe('the core loop, from records to a public repository', () => {
  it('freezes every complete half-year once, oldest first', async () => {
    const r = await s.reports.freezeAllComplete(publisher);
    expect(r.frozen.map((v) => `${v.period} v${v.number}`)).toEqual(PERIODS.map((p) => `${p} v1`));
    expect(r.alreadyFrozen).toEqual([]);
    // Run again: nothing left to freeze.
    const again = await s.reports.freezeAllComplete(publisher);
    expect(again).toEqual({ frozen: [], alreadyFrozen: PERIODS });
  });

  it('publishes every period with one commit and one annotated tag each, in period order', async () => {
    const steps = await s.publish.publishAll(publisher, { repo });
    expect(steps.map((x) => [x.period, x.status])).toEqual(PERIODS.map((p) => [p, 'published']));
    expect(git(repo, 'log', '--reverse', '--format=%s').split('\n')).toEqual([
      'Publish the 2015-H1 transparency report (v1): 1 January 2015 to 30 June 2015',
      'Publish the 2015-H2 transparency report (v1): 1 July 2015 to 31 December 2015',
      'Publish the 2016-H1 transparency report (v1): 1 January 2016 to 30 June 2016',
    ]);
    for (const p of PERIODS) expect(git(repo, 'cat-file', '-t', `${p}-v1`)).toBe('tag');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    // Every published file of a version is the file frozen: its hash is the one stored at freeze time
    // (the DSA Part 1 dates included, issue 19.8).
    let checked = 0;
    for (const v of await s.reports.frozenVersions(publisher)) {
      for (const [name, hash] of Object.entries(v.file_hashes)) {
        const file = path.join(repo, 'reports', v.period, `v${v.number}`, name);
        if (!existsSync(file)) continue;
        expect(sha256(readFileSync(file)), `${v.period} v${v.number} ${name}`).toBe(hash);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(PERIODS.length * 6);
    // A second run finds everything published: no commit.
    const again = await s.publish.publishAll(publisher, { repo });
    expect(again.map((x) => x.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(git(repo, 'rev-list', '--count', 'HEAD')).toBe('3');
  });

  it('publishes a correction whose diff shows exactly the changed figures, keeping v1 public', async () => {
    const v1 = await s.reports.version(publisher, '2015-H1', 1);
    // A request received in March 2015 was found in a mailbox and recorded late.
    await s.requests.create(
      actor('handler'),
      requestInput.parse(
        requestFactory({ external_ref: 'LATE-2015-1', received_at: '2015-03-10T10:00:00Z' }),
      ),
    );
    clock.set('2016-08-01T09:00:00Z');
    const v2 = await s.reports.correct(publisher, '2015-H1', {
      why: 'A subpoena received in March 2015 was recorded after the report was published.',
      method: 'Recomputed from the request record after the late entry.',
    });
    const changes: Change[] = v2.data.tables.changes;
    expect(changes.length).toBeGreaterThan(0);
    const steps = await s.publish.publishAll(publisher, { repo });
    expect(steps.map((x) => x.status)).toEqual(['published', 'skipped', 'skipped']);
    expect(git(repo, 'cat-file', '-t', '2015-H1-v2')).toBe('tag');
    // The subject says why, cut at a word to stay short; the body has it whole.
    expect(git(repo, 'log', '-1', '--format=%s')).toBe(
      'Correct the 2015-H1 transparency report (v2): A subpoena received in March 2015 was recorded...',
    );
    expect(git(repo, 'log', '-1', '--format=%b')).toContain(
      'Why: A subpoena received in March 2015 was recorded after the report was published.',
    );

    const diff = git(repo, 'diff', '-U0', '2015-H1-v1', '2015-H1-v2', '--', 'reports/2015-H1/report.txt');
    const before = v1.data.tables.summary.requests.count;
    expect(diffLines(diff, '-').join('\n')).toMatch(new RegExp(`Requests received +${before} `));
    expect(diffLines(diff, '+').join('\n')).toMatch(new RegExp(`Requests received +${before + 1} `));
    expect(diffLines(diff, '+')).toContain(
      '* UPDATED VERSION: this is version 2 of this report; it replaces earlier',
    );
    // Word by word, everything the correction took out is a figure (with the words of its sentence, as
    // in "0 requests were" -> "1 request was") or a fact of the version: no wording or layout moved.
    const words = git(
      repo,
      'diff',
      '-U0',
      '--word-diff=porcelain',
      '2015-H1-v1',
      '2015-H1-v2',
      '--',
      'reports/2015-H1/report.txt',
    );
    const removed = diffLines(words, '-').filter((w) => w.trim());
    expect(removed.length).toBeGreaterThan(0);
    for (const w of removed) expect(w, 'a removed word that is no figure').toMatch(/\d/);
    // Each changed headline figure shows as its old value taken out and its new value put in.
    const added = diffLines(words, '+');
    for (const c of changes.filter((x) => x.table === 'summary' && x.key.endsWith('.count'))) {
      expect(
        removed.some((w) => w.includes(String(c.before))),
        `${c.key} before`,
      ).toBe(true);
      expect(
        added.some((w) => w.includes(String(c.after))),
        `${c.key} after`,
      ).toBe(true);
    }

    // v1 stays readable, byte for byte as first published.
    expect(existsSync(path.join(repo, 'reports/2015-H1/v1/report.txt'))).toBe(true);
    expect(git(repo, 'show', '2015-H1-v2:reports/2015-H1/v1/report.txt')).toBe(
      git(repo, 'show', '2015-H1-v1:reports/2015-H1/report.txt'),
    );
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('checks the anchors with candor audit verify --against, and names the anchor once the log is rewritten', async () => {
    const ok = await cli('audit', 'verify', '--against', repo);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^audit log intact: \d+ events/);
    expect(ok.out).toMatch(/all 4 audit heads anchored in .* are in the log/);

    // Someone with database access rewrites the event the first publication anchored.
    const anchor = (await s.reports.version(publisher, '2015-H1', 1)).audit_head!;
    await t.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update audit_events set after = '{"requests": 1}'::jsonb, hash = ${'0'.repeat(64)}
                where hash = ${anchor}`.execute(trx);
    });
    const bad = await cli('audit', 'verify', '--against', repo);
    expect(bad.code).toBe(8);
    expect(bad.err).toContain(`NOT IN THE LOG: ${anchor} anchored in reports/2015-H1/v1/report.json`);
    expect(bad.err).toMatch(/anchored heads are missing: the log was rewritten after publication/);
  });
});
