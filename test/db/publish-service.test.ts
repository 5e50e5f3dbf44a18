import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPublishService } from '../../src/services/publish.ts';
import { actor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { git, isolateGit, tmpDir } from '../publish/git-env.ts';
import { h1v1, h1v2 } from '../publish/versions.ts';

let t: TestDb;
beforeAll(isolateGit);
beforeEach(async () => {
  t = await testDatabase();
});
afterEach(async () => t?.close());

const service = () =>
  createPublishService({
    db: t.db,
    config: testConfig,
    clock: testClock('2015-10-02T10:00:00Z'),
    frozenVersions: () => Promise.resolve([h1v1(), h1v2()]),
  });
const events = () =>
  t.db.selectFrom('audit_events').selectAll().where('action', '=', 'report.publish').execute();

describe('the publish service', () => {
  it('publishes the latest frozen version and records the commit and tag in the audit log', async () => {
    const repo = tmpDir('svc');
    const r = await service().publish(actor('publisher'), { period: '2015-H1', repo });
    expect(r).toMatchObject({ status: 'published', version: 2, tag: '2015-H1-v2' });
    const [e, ...rest] = await events();
    expect(rest).toHaveLength(0);
    expect(e).toMatchObject({ entity: 'report', entity_id: '2015-H1', actor: 'test:publisher' });
    expect(e!.after).toMatchObject({ version: 2, tag: '2015-H1-v2', commit: git(repo, 'rev-parse', 'HEAD') });
    // Unchanged on a second run: no commit and no event.
    expect(await service().publish(actor('publisher'), { period: '2015-H1', repo })).toMatchObject({
      status: 'unchanged',
    });
    expect(await events()).toHaveLength(1);
  });

  it('refuses roles that may not publish, and periods with no frozen version', async () => {
    await expect(
      service().publish(actor('handler'), { period: '2015-H1', repo: tmpDir('x') }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      service().publish(actor('admin'), { period: '2016-H1', repo: tmpDir('x') }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('records nothing when publishing fails after the commit', async () => {
    const repo = tmpDir('svc');
    await expect(
      service().publish(actor('publisher'), { period: '2015-H1', repo, failAt: 'recorded' }),
    ).rejects.toThrow(/injected/);
    expect(await events()).toHaveLength(0);
    expect(git(repo, 'tag', '--list')).toBe('');
  });
});
