import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { openEmbedded } from '../../src/db/connect.ts';
import { CandorError } from '../../src/errors.ts';
import { createMailer } from '../../src/services/mailer.ts';

// The data-directory lock only exists in embedded mode; this file runs once, on the PGlite pass.
const embedded = inject('engine') === 'pglite';
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every path under `root` (itself included) whose mode gives group or other users any access. */
function notPrivate(root: string): string[] {
  const open: string[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    if (!st.isSymbolicLink() && (st.mode & 0o077) !== 0) open.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) visit(path.join(p, n));
  };
  visit(root);
  return open;
}

const waitFor = async (cond: () => boolean, what: string) => {
  const until = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe.runIf(embedded)('the embedded data directory', () => {
  it('refuses a second server, lets a CLI command join the first through its socket, and frees the lock', async () => {
    const server = await openEmbedded(dir, { role: 'server', migrate: true });
    try {
      let refused: unknown;
      try {
        await openEmbedded(dir, { role: 'server' });
      } catch (e) {
        refused = e;
      }
      expect(refused).toBeInstanceOf(CandorError);
      expect((refused as CandorError).code).toBe('conflict');
      expect((refused as CandorError).message).toMatch(/another Candor process \(pid \d+, server\) is using/);

      const cli = await openEmbedded(dir, { role: 'cli' });
      expect(cli.engine).toBeUndefined();
      await cli.db
        .insertInto('agencies')
        .values({ name: 'Joined court', kind: 'court', level: 'federal', country: 'US' })
        .execute();
      await cli.close();
      const seen = await server.db
        .selectFrom('agencies')
        .select('name')
        .where('name', '=', 'Joined court')
        .execute();
      expect(seen).toHaveLength(1);
    } finally {
      await server.close();
    }
    // The lock is gone: a new server opens the same data, which survived the restart.
    const again = await openEmbedded(dir, { role: 'server' });
    const rows = await again.db.selectFrom('agencies').select('name').execute();
    expect(rows.map((r) => r.name)).toContain('Joined court');
    await again.close();
  });

  it('keeps every file of the data directory private to its owner, and tightens an older install', async () => {
    // An install made before: everything readable and writable by everyone.
    spawnSync('chmod', ['-R', 'a+rwX', dir]);
    expect(notPrivate(dir).length).toBeGreaterThan(100);
    const said: string[] = [];
    const conn = await openEmbedded(dir, { role: 'server', say: (l) => said.push(l) });
    try {
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/made \d+ files in .* private to their owner/);
      // The socket folder, while the server runs.
      const socketDir = conn.engine!.socketDir;
      expect(lstatSync(socketDir).mode & 0o777).toBe(0o700);
      expect(notPrivate(socketDir)).toEqual([]);
      // Writes make new relation files and WAL; a notice goes to the .eml outbox.
      await conn.db.schema.createTable('perm_probe').addColumn('x', 'text').execute();
      await conn.db
        .insertInto('agencies')
        .values({ name: 'Private court', kind: 'court', level: 'federal', country: 'US' })
        .execute();
      const config = loadConfig({ CANDOR_DATA_DIR: dir });
      const mailer = createMailer(config);
      await mailer.send({ to: 'a@example.com', subject: 's', text: 't', messageId: '<m-1@candor.local>' });
      mailer.close();
      expect(notPrivate(dir)).toEqual([]);
    } finally {
      await conn.close();
    }
    expect(existsSync(path.join(dir, 'pgdata', 'pg_wal'))).toBe(true);
    expect(existsSync(path.join(dir, 'outbox', 'm-1.eml'))).toBe(true);
    expect(notPrivate(dir)).toEqual([]);
    // Nothing left to tighten on the next start: no message.
    const said2: string[] = [];
    await (await openEmbedded(dir, { role: 'server', say: (l) => said2.push(l) })).close();
    expect(said2).toEqual([]);
  });

  it('runs the engine with the memory settings docs/benchmarks.md gives reasons for, and reports its memory', async () => {
    const server = await openEmbedded(dir, { role: 'server', migrate: true });
    try {
      const shown = await server.db.executeQuery<{ shared_buffers: string }>(
        CompiledQuery.raw('show shared_buffers'),
      );
      expect(shown.rows[0]?.shared_buffers).toBe('32MB');
      const m = await server.engine!.memory();
      expect(m.wasmBytes).toBeGreaterThanOrEqual(32 * 1048576);
      expect(m.heapUsedBytes).toBeGreaterThan(0);
      expect(m.heapTotalBytes).toBeGreaterThanOrEqual(m.heapUsedBytes);
    } finally {
      await server.close();
    }
  });

  it('takes over the lock of a process that died', async () => {
    writeFileSync(
      path.join(dir, 'candor.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, role: 'server', socketDir: '/nonexistent', startedAt: '' }),
    );
    const conn = await openEmbedded(dir, { role: 'server' });
    await conn.close();
  });

  it('never has two holders when two processes take over a stale lock at once (20 rounds)', async () => {
    const race = mkdtempSync(path.join(os.tmpdir(), 'candor-race-'));
    const data = path.join(race, 'data');
    mkdirSync(data);
    chmodSync(race, 0o700);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const rounds = 20;
    const racer = path.join(import.meta.dirname, '../helpers/lock-racer.ts');
    const kids = ['a', 'b'].map((who) =>
      spawn(process.execPath, ['--import', 'tsx', racer, race, who, String(rounds)], { stdio: 'inherit' }),
    );
    const exited = kids.map((k) => new Promise((resolve) => k.once('exit', resolve)));
    try {
      await waitFor(
        () => existsSync(path.join(race, 'ready-a')) && existsSync(path.join(race, 'ready-b')),
        'racers',
      );
      const holders: string[][] = [];
      for (let r = 0; r < rounds; r++) {
        // A stale lock: its process is gone (the older format without a nonce every other round).
        const stale = { pid: dead, role: 'server', socketDir: '/gone', startedAt: `round ${r}` };
        writeFileSync(
          path.join(data, 'candor.lock'),
          JSON.stringify(r % 2 ? stale : { ...stale, nonce: `n${r}` }),
        );
        writeFileSync(path.join(race, `go-${r}`), '');
        const results = ['a', 'b'].map((w) => path.join(race, `result-${r}-${w}`));
        await waitFor(() => results.every((f) => existsSync(f)), `round ${r}`);
        holders.push(['a', 'b'].filter((_w, i) => readFileSync(results[i]!, 'utf8') === 'held'));
        writeFileSync(path.join(race, `done-${r}`), '');
        await waitFor(() => !existsSync(path.join(data, 'candor.lock')), `release in round ${r}`);
      }
      expect(holders.map((h) => h.length)).toEqual(Array(rounds).fill(1));
      expect(readdirSync(data)).toEqual([]); // no takeover guard or candidate file left behind
    } finally {
      for (const k of kids) k.kill('SIGKILL');
      await Promise.all(exited);
      rmSync(race, { recursive: true, force: true });
    }
  });
});
