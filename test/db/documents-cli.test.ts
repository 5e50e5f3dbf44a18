import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';
import { makePdf, SERVED, unzip } from '../helpers/documents.ts';

// As test/db/cli.test.ts: the CLI opens the configured database itself (the test database's URL on the
// PostgreSQL pass, a fresh embedded data directory on the PGlite pass).
let t: TestDb | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-docs-cli-'));
const saved = { ...process.env };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  process.env.CANDOR_DATA_DIR = path.join(dir, 'data');
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

// Each test runs several candor processes, each opening the embedded database: room on a busy machine.
describe('documents from the command line', { timeout: 240_000 }, () => {
  it('reads the served process, records the request with it, builds the production zip, and the audit log proves it', async () => {
    expect((await run('db', 'migrate')).code).toBe(0);
    const pdfFile = path.join(dir, 'served.pdf');
    writeFileSync(pdfFile, await makePdf(SERVED));
    const intake = await run('document', 'intake', pdfFile);
    expect(intake.code).toBe(0);
    expect(intake.out).toContain('Case No. GJ-2026-417');
    expect(intake.out).toMatch(/--external-ref\tGJ-2026-417/);
    expect(intake.out).toMatch(/--accounts\tAC7001/);
    const docId = /^document (\d+):/m.exec(intake.out)![1]!;
    // Two suggestions taken by hand: the reference and the account.
    const add = await run(
      'request',
      'add',
      '--external-ref',
      'GJ-2026-417',
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
      'AC7001',
      '--attach',
      docId,
    );
    expect(add.err).toBe('');
    const id = /recorded request (\d+)/.exec(add.out)![1]!;
    expect((await run('request', 'transition', id, 'in_review')).code).toBe(0);
    expect(
      (
        await run(
          'request',
          'respond',
          id,
          '--outcome',
          'non_content_produced',
          '--produced',
          'basic_subscriber',
        )
      ).code,
    ).toBe(0);
    const csv = path.join(dir, 'subscriber.csv');
    writeFileSync(csv, 'account,name\nAC7001,Jane Doe\n');
    const added = await run('document', 'add', id, csv, '--kind', 'production');
    expect(added.out).toContain(`sha256 ${sha(readFileSync(csv))}`);

    const outDir = path.join(dir, 'out');
    const built = await run('production', 'build', id, '--out', outDir, '--certify');
    expect(built.err).toBe('');
    const zipFile = path.join(outDir, 'GJ-2026-417-production-1.zip');
    const entries = await unzip(readFileSync(zipFile));
    const manifestSha = sha(entries.get('manifest.json')!);
    expect(built.out).toContain(`manifest sha256 ${manifestSha}`);
    expect(sha(entries.get('files/01-subscriber.csv')!)).toBe(sha(readFileSync(csv)));
    expect(entries.get('certification.txt')!.toString()).toContain(manifestSha);
    expect((await run('audit', 'verify')).out).toMatch(/audit log intact/);
    const blobDir = path.join(dir, 'data', 'documents');
    expect((statSync(blobDir).mode & 0o777).toString(8)).toBe('700');
    const blobFiles = readdirSync(blobDir, { recursive: true })
      .map(String)
      .filter((f) => /[0-9a-f]{32}$/.test(f));
    expect(blobFiles.length).toBe(2);
    for (const f of blobFiles) expect((statSync(path.join(blobDir, f)).mode & 0o777).toString(8)).toBe('600');

    // Rotation re-wraps both data keys under a new master key; every document still verifies.
    const keyFile = path.join(dir, 'data', 'secret.key');
    const before = readFileSync(keyFile, 'utf8');
    expect((await run('keys', 'rotate')).out).toMatch(
      /re-sealed .*2 document keys; the previous key is forgotten/,
    );
    expect(readFileSync(keyFile, 'utf8')).not.toBe(before);
    expect((statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
    expect((await run('documents', 'verify')).out).toContain('2 document(s) checked, 0 broken');
  }, 600_000);
});
