import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { generateDemo } from '../../src/demo/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { STANDARDS } from '../../src/reports/standards.ts';
import { loadDemo } from '../../src/services/demo.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';

// `candor demo` then `candor report standards`, through the CLI on its own database (as cli.test.ts does),
// and the same scorecard over the API on a test database with the demo loaded.
const dir = mkdtempSync(path.join(os.tmpdir(), 'candor-standards-'));
const saved = { ...process.env };
let cliDb: TestDb | undefined;
let t: TestDb;
let app: FastifyInstance;
let readerToken = '';

beforeAll(async () => {
  if (inject('engine') === 'postgres') {
    cliDb = await testDatabase();
    process.env.DATABASE_URL = String(cliDb.pgConfig.connectionString);
  } else {
    delete process.env.DATABASE_URL;
    process.env.CANDOR_DATA_DIR = path.join(dir, 'data');
  }
  const now = new Date('2025-03-01T00:00:00Z');
  t = await testDatabase();
  await t.db
    .transaction()
    .execute((trx) =>
      loadDemo(trx, generateDemo({ seed: 2015, now: now.toISOString() }), { seed: 2015, actor: 'test', now }),
    );
  const s = servicesFor(t, testClock('2025-03-01T00:00:00Z'));
  app = await buildApp({ config: testConfig, services: s });
  readerToken = (await s.users.add(actor('admin'), 'viewer@example.com', 'viewer')).token;
});
afterAll(async () => {
  process.env = saved;
  await app?.close();
  await t?.close();
  await cliDb?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(argv), out: out.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

const allElements = STANDARDS.reduce((n, s) => n + s.elements.length, 0);

describe('candor report standards on the demo', () => {
  it(
    'scores every element of every standard for 2024-H2, none "not disclosed"',
    { timeout: 300_000 },
    async () => {
      // `candor demo` fills history up to today; a fixed today keeps 2024-H2 and the demo's last half-year the same
      // on every run.
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-03-01T12:00:00Z') });
      try {
        expect((await run('demo')).code).toBe(0);
      } finally {
        vi.useRealTimers();
      }
      const r = await run('report', 'standards', '--period', '2024-H2', '--format', 'json');
      expect(r.code).toBe(0);
      const card = JSON.parse(r.out) as {
        period: string;
        version: number | null;
        counts: Record<string, number>;
        standards: Array<{ id: string; source_url: string; elements: Array<{ id: string; status: string }> }>;
      };
      expect(card.period).toBe('2024-H2');
      expect(card.version).toBeNull();
      expect(card.standards.map((s) => s.id)).toEqual(STANDARDS.map((s) => s.id));
      const elements = card.standards.flatMap((s) => s.elements);
      expect(elements).toHaveLength(allElements);
      expect(elements.filter((e) => e.status === 'not_disclosed')).toEqual([]);
      // The DSA applied in 2024-H2: its Annex I Part 3 elements are disclosed, not "not applicable".
      const dsa = card.standards.find((s) => s.id === 'DSA-AI3')!;
      expect(dsa.elements.every((e) => e.status === 'disclosed')).toBe(true);
      expect(card.counts.not_disclosed).toBe(0);

      const text = await run('report', 'standards', '--period', '2024-H2');
      expect(text.code).toBe(0);
      expect(text.out).toMatch(/^ {2}P11a\.1 +disclosed +tables\.by_country, tables\.data_demands$/m);
      expect(text.out).toContain('https://rankingdigitalrights.org/knowledge-center/p12-');
      expect(text.out).toMatch(/\d+ disclosed, \d+ not collected, \d+ not applicable, 0 not disclosed\n$/);
    },
  );

  it('refuses an unknown format', async () => {
    expect((await run('report', 'standards', '--period', '2024-H2', '--format', 'pdf')).code).not.toBe(0);
  });
});

describe('GET /api/v1/reports/:period/standards', () => {
  it('returns the scorecard of the draft to any role', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/2024-H2/standards',
      headers: { authorization: `Bearer ${readerToken}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.period).toBe('2024-H2');
    expect(body.version).toBeNull();
    expect(body.counts.not_disclosed).toBe(0);
    expect(body.standards.flatMap((s: { elements: unknown[] }) => s.elements)).toHaveLength(allElements);
    // The draft report carries the same scorecard as its annex (schema version 4).
    const draft = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/2024-H2',
      headers: { authorization: `Bearer ${readerToken}` },
    });
    expect(draft.json().schema_version).toBe(6);
    expect(draft.json().standards).toEqual({ counts: body.counts, standards: body.standards });
  });

  it('answers 404 for a version that was never frozen, 400 for a bad period', async () => {
    const headers = { authorization: `Bearer ${readerToken}` };
    const missing = await app.inject({
      method: 'GET',
      url: '/api/v1/reports/2024-H2/standards?version=3',
      headers,
    });
    expect(missing.statusCode).toBe(404);
    const bad = await app.inject({ method: 'GET', url: '/api/v1/reports/2024-H3/standards', headers });
    expect(bad.statusCode).toBe(400);
  });
});
