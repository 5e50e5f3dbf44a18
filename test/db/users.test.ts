import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.ts';
import { sha256 } from '../../src/services/auth.ts';
import type { Services } from '../../src/services/index.ts';
import { actor, servicesFor, testClock, testConfig, testDatabase, type TestDb } from '../helpers/db.ts';
import { userWithPassword, WebClient } from '../helpers/web.ts';
import { refusal } from '../helpers/workflow.ts';

let t: TestDb;
let s: Services;
let app: FastifyInstance;
const clock = testClock('2026-04-01T09:00:00Z');
const cli = actor('admin');

beforeAll(async () => {
  t = await testDatabase();
  s = servicesFor(t, clock);
  app = await buildApp({ config: testConfig, services: s });
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const api = (token: string) =>
  app.inject({ method: 'GET', url: '/api/v1/requests', headers: { authorization: `Bearer ${token}` } });
const events = async (id: number) =>
  (
    await t.db
      .selectFrom('audit_events')
      .select(['action', 'actor', 'before', 'after'])
      .where('entity', '=', 'user')
      .where('entity_id', '=', String(id))
      .orderBy('seq')
      .execute()
  ).filter((e) => e.action === 'user.disable' || e.action === 'user.enable');

describe('disabling and enabling a user', () => {
  it('ends their sessions, revokes their API tokens and refuses sign-in, in one audited change', async () => {
    const u = await userWithPassword(s, 'handler', 'ana@example.com');
    const token = await s.users.issueToken(cli, u.email, 'case system');
    const web = new WebClient(app);
    expect((await web.signIn(u.email)).statusCode).toBe(303);
    expect((await web.get('/')).statusCode).toBe(200);
    expect((await api(token)).statusCode).toBe(200);

    expect((await refusal(s.users.disable(actor('handler'), u.id))).code).toBe('forbidden');
    const r = await s.users.disable(cli, u.email);
    // Two sessions (setting the password signed them in, then the browser) and two tokens (the one
    // created with the user, and the one issued above).
    expect(r).toEqual({ id: u.id, email: u.email, changed: true, sessions: 2, tokens: 2 });
    const row = await t.db.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    expect(row.disabled_at).toEqual(clock());
    const live = await t.db
      .selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', u.id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    expect(await events(u.id)).toEqual([
      {
        action: 'user.disable',
        actor: 'test:admin',
        before: { disabled_at: null },
        after: { disabled_at: clock().toISOString(), sessions_revoked: 2, tokens_revoked: 2 },
      },
    ]);

    // Nothing of theirs works any more: the session, the token, the password.
    expect((await web.get('/')).statusCode).toBe(303);
    expect((await api(token)).statusCode).toBe(401);
    expect((await new WebClient(app).signIn(u.email)).statusCode).toBe(401);
    expect((await refusal(s.users.issueToken(cli, u.email, null))).code).toBe('invalid_state');
    // Disabling again changes nothing and writes no event.
    expect(await s.users.disable(cli, u.id)).toMatchObject({ changed: false, sessions: 0, tokens: 0 });
    expect(await events(u.id)).toHaveLength(1);

    // Enabled again: the password works; the revoked token stays revoked.
    expect((await refusal(s.users.enable(actor('approver'), u.id))).code).toBe('forbidden');
    expect(await s.users.enable(cli, u.id)).toEqual({ id: u.id, email: u.email, changed: true });
    expect((await events(u.id)).map((e) => [e.action, e.after])).toEqual([
      ['user.disable', expect.anything()],
      ['user.enable', { disabled_at: null }],
    ]);
    expect((await new WebClient(app).signIn(u.email)).statusCode).toBe(303);
    expect((await api(token)).statusCode).toBe(401);
    expect((await api(await s.users.issueToken(cli, u.email, 'new'))).statusCode).toBe(200);
    expect(await s.users.enable(cli, u.id)).toMatchObject({ changed: false });
    expect((await refusal(s.users.disable(cli, 'nobody@example.com'))).code).toBe('not_found');
  });

  it('a session opened before the user was disabled by a direct write is refused too', async () => {
    const u = await userWithPassword(s, 'viewer');
    const web = new WebClient(app);
    await web.signIn(u.email);
    const cookie = web.cookies.get('candor_session')!;
    await t.db.updateTable('users').set({ disabled_at: clock() }).where('id', '=', u.id).execute();
    // The session row is still live, but the user behind it is disabled: no page opens.
    const row = await t.db
      .selectFrom('sessions')
      .select('revoked_at')
      .where('id_hash', '=', sha256(cookie))
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
    expect(await s.auth.session(cookie)).toBeNull();
    expect((await web.get('/')).statusCode).toBe(303);
  });

  it('refuses to let an admin disable themselves, or anyone disable the last active admin', async () => {
    const me = await userWithPassword(s, 'admin', 'me-admin@example.com');
    const self = await refusal(s.users.disable(actor('admin', me.id), me.id));
    expect(self.code).toBe('invalid_state');
    expect(self.message).toBe('you cannot disable your own account: another admin must do it');
    // Every other admin disabled: the one left cannot be, even from the command line.
    for (const u of await s.users.list(cli))
      if (u.role === 'admin' && u.id !== me.id) await s.users.disable(cli, u.id);
    const last = await refusal(s.users.disable(cli, me.email));
    expect(last.code).toBe('invalid_state');
    expect(last.message).toMatch(/last active admin/);
    expect((await s.users.list(cli)).find((u) => u.id === me.id)?.disabled).toBe(false);
    const other = await userWithPassword(s, 'admin');
    expect(await s.users.disable(actor('admin', other.id), me.id)).toMatchObject({ changed: true });
  });

  it('lets no password link of a disabled user be issued or used, and keeps an unused one for later', async () => {
    const u = await userWithPassword(s, 'viewer', 'link-disabled@example.com');
    const link = await s.auth.passwordLinkToken(cli, u.id);
    await s.users.disable(cli, u.id);
    expect((await refusal(s.auth.passwordLinkToken(cli, u.id))).code).toBe('invalid_state');
    expect(await s.auth.setupLink(link)).toBeNull();
    expect((await refusal(s.auth.completeSetup(link, null, 'a brand new passphrase 1'))).code).toBe(
      'invalid_state',
    );
    // Enabled again, the link still works: refusing it used nothing up.
    await s.users.enable(cli, u.id);
    expect(await s.auth.setupLink(link)).toEqual({ email: 'link-disabled@example.com' });
    expect(typeof (await s.auth.completeSetup(link, null, 'a brand new passphrase 1'))).toBe('string');
  });
});
