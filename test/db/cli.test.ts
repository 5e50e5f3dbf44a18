import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';

// The CLI opens the configured database itself: on the PostgreSQL pass it gets the test database's URL, on the
// PGlite pass a fresh data directory (so this file also covers first start: initdb and migrations).
let t: TestDb | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-cli-'));
const saved = { ...process.env };

beforeAll(async () => {
  if (inject('engine') === 'postgres') {
    t = await testDatabase();
    process.env.DATABASE_URL = String(t.pgConfig.connectionString);
  } else {
    delete process.env.DATABASE_URL;
    process.env.CANDOR_DATA_DIR = path.join(dir, 'data');
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
describe('the candor command', { timeout: 240_000 }, () => {
  it('migrates, records a request from flags, shows it, and refuses a duplicate with exit code 5', async () => {
    expect((await run('db', 'migrate')).code).toBe(0);
    const flags = [
      'request',
      'add',
      '--external-ref',
      'CLI-1',
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
      '--accounts',
      'AC1;AC2',
    ];
    const added = await run(...flags);
    expect(added.err).toBe('');
    expect(added.code).toBe(0);
    const id = /recorded request (\d+)/.exec(added.out)?.[1];
    expect(id).toBeDefined();
    const shown = await run('request', 'show', id!);
    expect(JSON.parse(shown.out)).toMatchObject({ external_ref: 'CLI-1', accounts_specified: 2 });
    const dup = await run(...flags);
    expect(dup.code).toBe(ERROR_CODES.conflict.exit);
    expect(dup.err).toMatch(/external_ref CLI-1 exists/);
  }, 240_000); // the PGlite pass starts a fresh data directory here (initdb and every migration): slow on a busy machine

  it('names the bad flags with exit code 2 and records nothing', async () => {
    const r = await run(
      'request',
      'add',
      '--external-ref',
      'CLI-2',
      '--received-at',
      'yesterday',
      '--agency-name',
      'X',
      '--agency-kind',
      'police',
      '--agency-level',
      'federal',
      '--country',
      'US',
      '--process-type',
      'subpoena',
    );
    expect(r.code).toBe(ERROR_CODES.invalid.exit);
    expect(r.err).toMatch(/--received-at/);
    expect(r.err).toMatch(/--agency-kind/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace for a user's mistake
  });

  it('refuses `request add --process-type subpoena --outcome content_produced` by the policy gate', async () => {
    const add = (outcome: string) =>
      run(
        'request',
        'add',
        '--external-ref',
        'CLI-GATE-1',
        '--received-at',
        '2026-03-02',
        '--agency-name',
        'Drug Enforcement Administration',
        '--agency-kind',
        'law_enforcement',
        '--agency-level',
        'federal',
        '--country',
        'US',
        '--process-type',
        'subpoena',
        '--outcome',
        outcome,
      );
    const r = await add('content_produced');
    expect(r.code).toBe(ERROR_CODES.invalid_state.exit);
    expect(r.err).toMatch(/outcome/);
    expect(r.err).toMatch(/sca_tier/);
    expect(r.err).toMatch(/2703\(c\)\(2\)/);
    // Nothing was recorded: the same reference is still free for what the gate allows.
    expect((await add('non_content_produced')).code).toBe(0);
  });

  it('imports a file quietly when piped, and refuses a bad one with every line named', async () => {
    const good = path.join(dir, 'good.csv');
    writeFileSync(
      good,
      'external_ref,received_at,agency_name,agency_kind,agency_level,country,process_type\r\n' +
        'CLI-IMP-1,2026-01-05,Polizei Berlin,law_enforcement,state,DE,police_force_order\r\n',
    );
    const ok = await run('import', good);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/1 rows, 1 new/);
    expect(ok.err).toBe(''); // no progress bar when stderr is not a terminal
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(
      bad,
      'external_ref,received_at,agency_name,agency_kind,agency_level,country,process_type\r\n' +
        'CLI-IMP-2,2026-01-05,X,court,federal,US,subpoena\r\n' +
        'CLI-IMP-3,2026-01-05,X,court,federal,US,writ\r\n',
    );
    const no = await run('import', bad);
    expect(no.code).toBe(ERROR_CODES.invalid.exit);
    expect(no.err).toMatch(/line 3, process_type: expected one of/);
    expect((await run('request', 'show', '999999')).code).toBe(ERROR_CODES.not_found.exit);
  });

  it('adds a user with a one-time token and verifies the audit log', async () => {
    const u = await run('user', 'add', 'cli@example.com', '--role', 'viewer');
    expect(u.code).toBe(0);
    expect(u.out).toMatch(/cnd_[A-Za-z0-9_-]{40,}/);
    const v = await run('audit', 'verify');
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/audit log intact: \d+ events, head [0-9a-f]{64}/);
  });

  it('previews a notice with the accounts left to queue, and none once it is queued', async () => {
    const added = await run(
      'request',
      'add',
      '--external-ref',
      'CLI-NOTICE-1',
      '--received-at',
      '2025-06-01',
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
      'CLI-N1;CLI-N2',
      '--outcome',
      'non_content_produced',
      '--responded-at',
      '2025-06-10',
    );
    const id = /recorded request (\d+)/.exec(added.out)?.[1];
    expect(id, added.err).toBeDefined();
    expect((await run('contact', 'set', 'CLI-N1', '--email', 'n1@example.com')).code).toBe(0);
    const before = await run('notice', 'preview', id!);
    expect(before.out).toContain('may be sent now');
    expect(before.out).toContain('left to queue: CLI-N1\n');
    expect((await run('notice', 'send', id!)).code).toBe(0);
    const after = await run('notice', 'preview', id!);
    expect(after.out).toContain('nothing left to queue');
    expect(after.out).toMatch(/outbox #\d+ after_disclosure -> n1@example.com: queued/);
  });

  it('disables a user (sessions and tokens end) and enables them again', async () => {
    const added = await run('user', 'add', 'leaver@example.com', '--role', 'handler');
    expect(added.code).toBe(0);
    const off = await run('user', 'disable', 'leaver@example.com');
    expect(off.err).toBe('');
    expect(off.out).toBe('disabled leaver@example.com: 0 session(s) ended, 1 API token(s) revoked\n');
    expect((await run('user', 'disable', 'leaver@example.com')).out).toContain('was already disabled');
    expect((await run('user', 'token', 'leaver@example.com')).code).toBe(ERROR_CODES.invalid_state.exit);
    expect((await run('user', 'enable', 'leaver@example.com')).out).toBe('enabled leaver@example.com\n');
    expect((await run('user', 'token', 'leaver@example.com')).code).toBe(0);
    expect((await run('user', 'disable', 'nobody@example.com')).code).toBe(ERROR_CODES.not_found.exit);
  });

  it('keeps the portal domain rules (candor portal domains add|list|remove) and lists registrations', async () => {
    const added = await run('portal', 'domains', 'add', '.gov', '--country', 'us');
    expect(added.out).toMatch(/^added rule (\d+): \.gov$/m);
    const id = /added rule (\d+)/.exec(added.out)![1]!;
    expect((await run('portal', 'domains', 'list')).out).toMatch(
      new RegExp(`^${id}\t\\.gov\tsuffix\tUS\t`, 'm'),
    );
    const bad = await run('portal', 'domains', 'add', 'gov');
    expect(bad.code).toBe(ERROR_CODES.invalid.exit);
    expect(bad.err).toMatch(/domain: .*write \.gov for a suffix rule/);
    expect((await run('portal', 'domains', 'remove', id)).out).toBe(`removed rule ${id}\n`);
    expect((await run('portal', 'registrations', 'list')).out).toBe(
      'no registration is waiting for review\n',
    );
  });

  it('rejects an unknown role and an unknown command', async () => {
    expect((await run('user', 'add', 'x@example.com', '--role', 'king')).code).not.toBe(0);
    expect((await run('frobnicate')).code).not.toBe(0);
  });
});

describe('the read commands, as a daily tool', { timeout: 240_000 }, () => {
  it('print JSON with --json, and request list takes the API filters', async () => {
    const json = async (...argv: string[]) => {
      const r = await run(...argv);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
      return JSON.parse(r.out) as unknown;
    };
    const list = (await json(
      'request',
      'list',
      '--q',
      'CLI-',
      '--sort',
      'external_ref',
      '--dir',
      'asc',
      '--json',
    )) as {
      items: Array<{ id: number; external_ref: string }>;
    };
    expect(list.items[0]?.external_ref).toBe('CLI-1');
    const id = String(list.items[0]!.id);
    expect((await run('request', 'list', '--q', 'CLI-')).out).toContain('CLI-1');
    const bad = await run('request', 'list', '--country', 'USA');
    expect(bad.code).toBe(ERROR_CODES.invalid.exit);
    expect(bad.err).toContain('--country');
    expect(await json('request', 'show', id, '--json')).toMatchObject({ external_ref: 'CLI-1' });
    expect(await json('due', '--json')).toMatchObject({
      total: expect.any(Number),
      counts: expect.any(Object),
    });
    expect(await json('document', 'list', id, '--json')).toEqual([]);
    expect(await json('production', 'list', id, '--json')).toEqual([]);
    expect(await json('notice', 'preview', id, '--json')).toMatchObject({ request_id: Number(id) });
    expect(await json('notice', 'failures', '--json')).toEqual([]);
    expect(await json('notice', 'template', 'list', '--json')).toEqual(expect.any(Array));
    expect(await json('report', 'versions', '--json')).toEqual([]);
    expect(await json('audit', 'verify', '--json')).toMatchObject({ ok: true });
  });

  it('parses workflow flags through the action schemas, naming the flag of a bad value and changing nothing', async () => {
    const list = JSON.parse((await run('request', 'list', '--q', 'CLI-1', '--json')).out) as {
      items: Array<{ id: number }>;
    };
    const id = list.items[0]!.id;
    const { version } = JSON.parse((await run('request', 'show', String(id), '--json')).out) as {
      version: number;
    };
    const blank = await run('request', 'notice', String(id), 'not_possible', '--reason', '   ');
    expect(blank.code).toBe(ERROR_CODES.invalid.exit);
    expect(blank.err).toContain('--reason');
    const result = await run(
      'request',
      'respond',
      String(id),
      '--outcome',
      'no_data',
      '--account',
      'A=vaporised',
    );
    expect(result.code).toBe(ERROR_CODES.invalid.exit);
    expect(result.err).toContain('--account');
    const status = await run('request', 'transition', String(id), 'lost');
    expect(status.code).toBe(ERROR_CODES.invalid.exit);
    expect(status.err).toContain('<status>');
    // The refusals changed nothing: the version read before is still the current one.
    const moved = await run(
      'request',
      'transition',
      String(id),
      'in_review',
      '--expect-version',
      String(version),
    );
    expect(moved.code, moved.err).toBe(0);
    expect(moved.out).toMatch(new RegExp(`: in_review, notice \\w+, version ${version + 1}$`, 'm'));
    // Six commands, each opening the database: allow for a busy machine.
  }, 180_000);
});
