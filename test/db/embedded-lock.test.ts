import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openEmbedded } from '../../src/db/connect.ts';
import { CandorError } from '../../src/errors.ts';

// The data-directory lock only exists in embedded mode; this file runs once, on the PGlite pass.
const embedded = inject('engine') === 'pglite';
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

  it('takes over the lock of a process that died', async () => {
    writeFileSync(
      path.join(dir, 'candor.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, role: 'server', socketDir: '/nonexistent', startedAt: '' }),
    );
    const conn = await openEmbedded(dir, { role: 'server' });
    await conn.close();
  });
});
