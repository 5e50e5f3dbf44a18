import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS } from '../../src/domain/import-columns.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { ALL_FACTORIES } from '../../src/services/index.ts';
import { loadFactories, wireServices, type ServiceName } from '../../src/services/wiring.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';

/**
 * What a CLI command loads (issue 18.1, docs/benchmarks.md "CLI start-up"): the real `bin/candor.js` in a
 * child process, with an ES module loader hook recording every module it loads. `candor --help` loads no
 * heavy library; `candor request show` loads the database driver and the request service, and nothing that
 * only other commands use. Checked by what is loaded, not by timing.
 */

const bin = path.join(import.meta.dirname, '../../bin/candor.js');
const recorder = path.join(import.meta.dirname, '../fixtures/loaded-modules/register.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-cli-startup-'));
let t: TestDb;
let runs = 0;

/** Libraries no `--help` needs: the schema library, the database layer, the server, the renderers. */
const HEAVY_FOR_HELP = [
  'zod',
  'kysely',
  'pg',
  '@electric-sql/pglite',
  'fastify',
  'ajv',
  'vega',
  'vega-lite',
  'pdfmake',
  'nodemailer',
  'file-type',
];
/** Libraries `request show` does not use: mail, documents, the server, report rendering and validation. */
const UNUSED_BY_SHOW = [
  'fastify',
  'ajv',
  'vega',
  'vega-lite',
  'pdfmake',
  'nodemailer',
  'file-type',
  'csv-parse',
  'openid-client',
  '@electric-sql/pglite',
];

beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The database URL the CLI gets: this file's database. */
function databaseUrl(): string {
  const c = t.pgConfig as { host?: string; connectionString?: string };
  return c.connectionString ?? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(c.host!)}`;
}

/** Runs `candor argv...` and returns its output and the module URLs it loaded. */
async function candor(argv: string[]) {
  const file = path.join(dir, `loaded-${runs++}.txt`);
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl(),
    CANDOR_SECRET_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    CANDOR_LOADED_MODULES: file,
    CANDOR_AS: undefined,
  };
  const p = spawn(process.execPath, ['--import', recorder, bin, ...argv], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  p.stdout.on('data', (d: Buffer) => (out += String(d)));
  p.stderr.on('data', (d: Buffer) => (err += String(d)));
  const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
  const urls = readFileSync(file, 'utf8').trim().split('\n');
  return { code, out, err, urls };
}

/** The packages among loaded module URLs (`@scope/name` or `name`). */
function packages(urls: string[]): Set<string> {
  const names = urls.flatMap((u) => {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    return m ? [m[1]!] : [];
  });
  return new Set(names);
}

describe('what a CLI command loads', { timeout: 120_000 }, () => {
  it('`candor --help` loads no heavy library', async () => {
    const r = await candor(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: candor');
    const loaded = packages(r.urls);
    expect(loaded.has('commander')).toBe(true); // the recorder sees packages
    expect(HEAVY_FOR_HELP.filter((p) => loaded.has(p))).toEqual([]);
  });

  it('`candor request add --help` lists one flag per import column without loading the schema', async () => {
    const r = await candor(['request', 'add', '--help']);
    expect(r.code).toBe(0);
    const flags = [...r.out.matchAll(/--([a-z0-9-]+) <value>/g)].map((m) => m[1]!.replaceAll('-', '_'));
    expect(flags).toEqual([...IMPORT_COLUMNS]);
    expect(HEAVY_FOR_HELP.filter((p) => packages(r.urls).has(p))).toEqual([]);
  });

  it('`candor request show` loads the request service and the driver, not what other commands use', async () => {
    const created = await servicesFor(t).requests.create(
      actor('admin'),
      requestInput.parse(requestFactory({ external_ref: 'STARTUP-1' })),
    );
    const r = await candor(['request', 'show', String(created.id)]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ id: created.id, external_ref: 'STARTUP-1' });
    const loaded = packages(r.urls);
    expect(loaded.has('kysely')).toBe(true);
    expect(UNUSED_BY_SHOW.filter((p) => loaded.has(p))).toEqual([]);
    const services = r.urls.flatMap((u) => /\/src\/services\/(.+)\.[jt]s$/.exec(u)?.[1] ?? []);
    expect(services).toContain('requests');
    for (const other of ['notice-worker', 'mailer', 'reports', 'publish', 'documents/vault', 'importer'])
      expect(services).not.toContain(other);
  });
});

describe('services built from the factories a command loads', () => {
  it('builds each service from its own factories and those it is built with', async () => {
    for (const name of Object.keys(ALL_FACTORIES) as ServiceName[]) {
      const factories = await loadFactories([name]);
      const s = wireServices({ db: t.db, config: testConfig, clock: testClock() }, factories);
      expect(s[name], name).toBeTypeOf('object');
    }
  });

  it('names the service a command did not load', () => {
    const s = wireServices({ db: t.db, config: testConfig, clock: testClock() }, {});
    expect(() => s.requests).toThrow(/the requests service was not loaded/);
  });
});
