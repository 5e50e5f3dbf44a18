import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { startBackgroundJobs } from '../../src/services/background.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { requestFactory } from '../helpers/factories.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

let t: TestDb;
let smtp: TestSmtp;
let s: Services;
let config: Config;
let tmp: string;
const clock = testClock('2026-03-09T12:00:00Z');
const admin = actor('admin');

beforeAll(async () => {
  t = await testDatabase();
  smtp = await startSmtp();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'candor-jobs-'));
  config = { ...testConfig, dataDir: tmp, smtpUrl: smtp.url };
  s = createServices({ db: t.db, config, clock });
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for the background jobs');
}

describe('the background jobs of candor serve', () => {
  it('release an expired hold, and deliver a held notice once, the moment its order expires, without anyone asking', async () => {
    const gagged = await s.requests.create(
      admin,
      requestInput.parse(
        requestFactory({
          outcome: 'non_content_produced',
          responded_at: '2026-01-12',
          accounts: ['ACjobs1'],
          ndo: { authority: 'sca_2705b', expires_at: '2026-03-10T00:00:00Z' },
        }),
      ),
    );
    await s.notices.setContact(admin, 'ACjobs1', { email: 'owner@customer.example', language: 'en' });
    const preserved = await s.requests.create(
      admin,
      requestInput.parse(requestFactory({ process_type: 'preservation_request', accounts: ['ACjobs2'] })),
    );
    await s.workflow.addHold(admin, preserved.id, { startedAt: new Date('2025-12-01T00:00:00Z') });

    const jobs = startBackgroundJobs({ db: t.db, config, clock }, s, 25, () => {});
    try {
      await until(async () => {
        const h = await t.db.selectFrom('preservation_holds').select('released_at').executeTakeFirst();
        return !!h?.released_at;
      });
      await jobs.ticked(3); // three more rounds of both loops while the order still binds
      expect(smtp.arrivals).toHaveLength(0);
      expect((await s.requests.get(admin, gagged.id)).notice_status).toBe('prohibited_by_order');

      clock.set('2026-03-10T00:00:00Z'); // the order's last instant has passed
      await until(async () => (await s.requests.get(admin, gagged.id)).notice_status === 'sent');
      await jobs.ticked(3); // and no second delivery in three more rounds
      expect(smtp.arrivals).toHaveLength(1);
      expect(smtp.arrivals[0]?.to).toEqual(['owner@customer.example']);
    } finally {
      await jobs.stop();
    }
  });
});
