import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

// As test/db/cli.test.ts: the CLI opens the configured database itself (the test database's URL on the
// PostgreSQL pass, a fresh embedded data directory on the PGlite pass).
let t: TestDb | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-comments-cli-'));
const saved = { ...process.env };

beforeAll(async () => {
  process.env.CANDOR_DATA_DIR = path.join(dir, 'data');
  delete process.env.CANDOR_AS;
  if (inject('engine') === 'postgres') {
    t = await testDatabase();
    process.env.DATABASE_URL = String(t.pgConfig.connectionString);
  } else {
    delete process.env.DATABASE_URL;
  }
});
afterAll(async () => {
  process.env = saved;
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
const as = async (email: string, ...argv: string[]) => {
  process.env.CANDOR_AS = email;
  try {
    return await run(...argv);
  } finally {
    delete process.env.CANDOR_AS;
  }
};

// Each test runs several candor processes, each opening the embedded database: room on a busy machine.
describe('comments and correspondence from the command line', { timeout: 240_000 }, () => {
  it('posts and lists comments and correspondence, names the refused argument, and lets a viewer only read', async () => {
    expect((await run('db', 'migrate')).code).toBe(0);
    const suffix = Math.random().toString(36).slice(2, 8);
    const [ana, vic] = [`ana-${suffix}@example.com`, `vic-${suffix}@example.com`];
    expect((await run('user', 'add', ana, '--role', 'handler')).code).toBe(0);
    expect((await run('user', 'add', vic, '--role', 'viewer')).code).toBe(0);
    const add = await run(
      'request',
      'add',
      '--quiet',
      '--external-ref',
      `GJ-CLI-${suffix}`,
      '--received-at',
      '2026-11-02',
      '--agency-name',
      'Federal Bureau of Investigation',
      '--agency-kind',
      'law_enforcement',
      '--agency-level',
      'federal',
      '--country',
      'US',
      '--process-type',
      'grand_jury_subpoena',
      '--data-sought',
      'basic_subscriber',
      '--accounts',
      'AC0001',
    );
    expect(add.code, add.err).toBe(0);
    const id = add.out.trim();

    const posted = await as(ana, 'request', 'comment', id, `Asked the AUSA for an extension, @${vic} FYI.`);
    expect(posted.code, posted.err).toBe(0);
    expect(posted.out).toMatch(new RegExp(`^comment \\d+ posted on request ${id}`));
    expect(posted.out).toContain(`notified: ${vic}`);
    const unknown = await run('request', 'comment', id, '@nobody@example.com see above');
    expect(unknown.code).toBe(0);
    expect(unknown.err).toContain('not notified: nobody@example.com (no user has this address)');

    const empty = await run('request', 'comment', id, '   ');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('TEXT: write the comment');

    const list = await as(vic, 'request', 'comments', id, '--json');
    expect(list.code, list.err).toBe(0);
    const comments = JSON.parse(list.out).comments;
    expect(comments.map((c: { text: string }) => c.text)).toEqual([
      `Asked the AUSA for an extension, @${vic} FYI.`,
      '@nobody@example.com see above',
    ]);
    expect(comments[0].author).toContain(ana);
    expect((await run('request', 'comments', id)).out).toContain('Asked the AUSA');

    const file = path.join(dir, 'letter.txt');
    writeFileSync(file, 'Dear custodian of records');
    const doc = await run('document', 'add', id, file, '--kind', 'correspondence');
    expect(doc.code, doc.err).toBe(0);
    const docId = /added document (\d+)/.exec(doc.out)![1]!;
    const entry = (...extra: string[]) => [
      'request',
      'correspondence',
      'add',
      id,
      '--direction',
      'received',
      '--at',
      '2026-11-02T14:00:00Z',
      '--channel',
      'letter',
      '--counterpart',
      'SA Jane Roe, FBI Boston',
      '--summary',
      'The subpoena, by letter.',
      ...extra,
    ];
    const logged = await as(ana, ...entry('--document', docId));
    expect(logged.code, logged.err).toBe(0);
    const missingDoc = await run(...entry('--document', '987654'));
    expect(missingDoc.code).toBe(2);
    expect(missingDoc.err).toContain('--document: no document 987654 is attached to this request');
    const future = await run(...entry().map((a) => (a === '2026-11-02T14:00:00Z' ? '2999-01-01' : a)));
    expect(future.code).toBe(2);
    expect(future.err).toContain('--at: in the future');
    const viewerPost = await as(vic, ...entry());
    expect(viewerPost.code).toBe(3);
    expect((await as(vic, 'request', 'comment', id, 'may I?')).code).toBe(3);

    const entries = await as(vic, 'request', 'correspondence', 'list', id, '--json');
    expect(entries.code, entries.err).toBe(0);
    expect(JSON.parse(entries.out).correspondence).toEqual([
      expect.objectContaining({
        direction: 'received',
        channel: 'letter',
        occurred_at: '2026-11-02T14:00:00.000Z',
        counterpart: 'SA Jane Roe, FBI Boston',
        document_id: Number(docId),
      }),
    ]);
    expect((await run('request', 'correspondence', 'list', id)).out).toContain(
      'from SA Jane Roe, FBI Boston',
    );
    expect((await run('request', 'comments', '987654')).code).toBe(4);
  });
});
