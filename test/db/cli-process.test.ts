import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.ts';
import { actor, servicesFor, testDatabase, type TestDb } from '../helpers/db.ts';
import { git } from '../publish/git-env.ts';

/**
 * The CLI fails cleanly (issue 13, item 11), as a user meets it: the real `bin/candor.js` in a child process,
 * talking to this file's database through a socket this test controls. A closed pipe ends quietly; a
 * database that goes away mid-command gives one line, a non-zero exit and a rolled-back transaction; a
 * publication with no git identity is refused before anything is written, naming CANDOR_GIT_AUTHOR.
 */

const bin = path.join(import.meta.dirname, '../../bin/candor.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-cli-process-'));
let t: TestDb;
let proxy: net.Server;
/** Set by a test: called with each chunk a client sends; returning true cuts both sides of that client. */
let cutWhen: (chunk: string) => boolean = () => false;

/** Where the real database listens. */
function upstream(): net.NetConnectOpts {
  const c = t.pgConfig as { host?: string; connectionString?: string };
  if (c.host) return { path: path.join(c.host, '.s.PGSQL.5432') };
  const u = new URL(c.connectionString!);
  return { host: u.hostname, port: Number(u.port || 5432) };
}

/** The database URL the CLI gets: this test's proxy, in front of the real database. */
function databaseUrl(): string {
  const c = t.pgConfig as { connectionString?: string; database?: string };
  const u = c.connectionString ? new URL(c.connectionString) : null;
  const db = u ? u.pathname.slice(1) : (c.database ?? 'postgres');
  const user = u?.username || 'postgres';
  return `postgres://${user}@localhost/${db}?host=${encodeURIComponent(dir)}`;
}

beforeAll(async () => {
  t = await testDatabase();
  proxy = net.createServer((client) => {
    const server = net.connect(upstream());
    const cut = () => {
      client.destroy();
      server.destroy();
    };
    client.on('data', (d: Buffer) => (cutWhen(d.toString('latin1')) ? cut() : server.write(d)));
    server.on('data', (d: Buffer) => client.write(d));
    client.on('error', cut).on('close', cut);
    server.on('error', cut).on('close', cut);
  });
  await new Promise<void>((r) => proxy.listen(path.join(dir, '.s.PGSQL.5432'), r));
});
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `candor argv...`; `closeStdout` closes the reading end of its stdout at once, as `| head` does. */
function candor(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; closeStdout?: boolean } = {},
) {
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl(),
    CANDOR_SECRET_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    CANDOR_DEBUG: undefined,
    ...opts.env,
  };
  const p = spawn(process.execPath, [bin, ...argv], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (opts.closeStdout) p.stdout.destroy();
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += String(d)));
  p.stderr.on('data', (d: Buffer) => (err += String(d)));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    p.on('close', (code) => resolve({ code, out, err })),
  );
}

const oneLine = (s: string) => s.trimEnd().split('\n');

// Each test spawns candor processes: give them room on a busy machine (the suite runs two files at once).
describe('the candor process', { timeout: 240_000 }, () => {
  it('ends quietly when the reader of its output has gone (`candor due | head -1`)', async () => {
    const r = await candor(['due'], { closeStdout: true });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('gives one line and a non-zero exit when the database goes away mid-transaction; nothing is kept', async () => {
    // Cut the connection at the statement after the request's insert: inside the command's transaction.
    let inserted = false;
    cutWhen = (chunk) => {
      if (inserted) return true;
      inserted = chunk.includes('insert into requests (');
      return false;
    };
    const r = await candor([
      'request',
      'add',
      '--external-ref',
      'GONE-1',
      '--received-at',
      '2026-03-02',
      '--agency-name',
      'Royal Canadian Mounted Police',
      '--agency-kind',
      'law_enforcement',
      '--agency-level',
      'federal',
      '--country',
      'CA',
      '--process-type',
      'police_force_order',
      '--data-sought',
      'basic_subscriber',
    ]).finally(() => (cutWhen = () => false));
    expect(inserted).toBe(true);
    expect(r.code).toBe(ERROR_CODES.unavailable.exit);
    expect(oneLine(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^candor: the database went away during the command .*rolled back/);
    const rows = await t.db
      .selectFrom('requests')
      .select('id')
      .where('external_ref', '=', 'GONE-1')
      .execute();
    expect(rows).toEqual([]);
  });

  it('refuses to publish without a git identity, naming CANDOR_GIT_AUTHOR, and publishes with it', async () => {
    await servicesFor(t).reports.freeze(actor('admin'), '2014-H1');
    const repo = path.join(dir, 'published');
    // No identity anywhere: no configuration files, no environment, and git told not to guess one.
    const noIdentity: Record<string, string | undefined> = {
      HOME: dir,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'user.useConfigOnly',
      GIT_CONFIG_VALUE_0: 'true',
    };
    for (const k of Object.keys(process.env))
      if (/^(GIT_(AUTHOR|COMMITTER)_|EMAIL$)/.test(k)) noIdentity[k] = undefined;
    const publish = ['report', 'publish', '--period', '2014-H1', '--repo', repo];
    const refused = await candor(publish, { env: noIdentity });
    expect(refused.code).toBe(ERROR_CODES.invalid.exit);
    expect(oneLine(refused.err)).toHaveLength(1);
    expect(refused.err).toMatch(/CANDOR_GIT_AUTHOR="Name <email>"/);
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(git(repo, 'tag')).toBe('');

    const ok = await candor(publish, {
      env: { ...noIdentity, CANDOR_GIT_AUTHOR: 'Transparency Team <legal@example.com>' },
    });
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(git(repo, 'log', '-1', '--format=%an <%ae> / %cn <%ce>')).toBe(
      'Transparency Team <legal@example.com> / Transparency Team <legal@example.com>',
    );
    expect(git(repo, 'tag')).toBe('2014-H1-v1');
  });
});
