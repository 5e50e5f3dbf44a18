import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actor, testDatabase, type TestDb } from '../helpers/db.ts';
import { documentsConfig, makePdf, randomFile, SERVED, unzip } from '../helpers/documents.ts';
import { multipart } from '../helpers/multipart.ts';

let t: TestDb;
let s: Services;
let config: Config;
let app: FastifyInstance;
let token = '';
let viewerToken = '';
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  t = await testDatabase();
  config = documentsConfig({ CANDOR_DOCUMENT_MAX_BYTES: String(2 * 1024 * 1024) });
  s = createServices({ db: t.db, config, clock: () => new Date() });
  app = await buildApp({ config, services: s });
  token = (await s.users.add(actor('admin'), 'api-handler@example.com', 'handler')).token;
  viewerToken = (await s.users.add(actor('admin'), 'api-viewer@example.com', 'viewer')).token;
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

const auth = (tk = token) => ({ authorization: `Bearer ${tk}` });
async function upload(
  url: string,
  fields: Record<string, string>,
  file: { name: string; body: Buffer },
  tk = token,
) {
  const m = multipart(fields, file);
  return app.inject({
    method: 'POST',
    url,
    headers: { ...auth(tk), 'content-type': m.contentType },
    payload: m.body,
  });
}
const json = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, tk = token) =>
  app.inject({
    method,
    url,
    headers: auth(tk),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const blobs = () =>
  readdirSync(path.join(config.dataDir, 'documents'), { recursive: true })
    .map(String)
    .filter((f) => /[0-9a-f]{32}/.test(f));

describe('documents through the API', () => {
  it('records a request from the served PDF and two accepted suggestions, produces, and the audit log proves what', async () => {
    const pdf = await makePdf(SERVED);
    const up = await upload('/api/v1/documents', {}, { name: 'served subpoena.pdf', body: pdf });
    expect(up.statusCode).toBe(201);
    const { document, text, suggestions } = up.json();
    expect(text).toContain('GRAND JURY SUBPOENA');
    const pick = (field: string) => suggestions.find((x: { field: string }) => x.field === field).value;
    // The client chooses: the reference and the account, nothing else.
    const created = await json('POST', `/api/v1/requests?attach=${document.id}`, {
      external_ref: pick('external_ref'),
      received_at: '2026-11-02T15:00:00Z',
      agency: {
        name: 'Federal Bureau of Investigation',
        kind: 'law_enforcement',
        level: 'federal',
        country: 'US',
      },
      process_type: 'grand_jury_subpoena',
      data_sought: ['basic_subscriber'],
      accounts: [pick('accounts')],
    });
    expect(created.statusCode).toBe(201);
    const r = created.json();
    expect(r.external_ref).toBe('GJ-2026-417');
    const listed = (await json('GET', `/api/v1/requests/${r.id}/documents`)).json().documents;
    expect(listed.map((d: { name: string; sha256: string }) => [d.name, d.sha256])).toEqual([
      ['served subpoena.pdf', sha(pdf)],
    ]);

    await json('POST', `/api/v1/requests/${r.id}/transition`, { version: r.version, to: 'in_review' });
    const v = (await json('GET', `/api/v1/requests/${r.id}`)).json().version;
    expect(
      (
        await json('POST', `/api/v1/requests/${r.id}/response`, {
          version: v,
          outcome: 'non_content_produced',
          produced: ['basic_subscriber'],
        })
      ).statusCode,
    ).toBeLessThan(300);
    const csv = Buffer.from('account,name\nAC7001,Jane Doe\n');
    const prodFile = await upload(
      `/api/v1/requests/${r.id}/documents`,
      { kind: 'production' },
      { name: 'AC7001 subscriber.csv', body: csv },
    );
    expect(prodFile.statusCode).toBe(201);
    expect(prodFile.json()).toMatchObject({ kind: 'production', media_type: 'text/plain', sha256: sha(csv) });

    const p = await json('POST', `/api/v1/requests/${r.id}/productions`, { certify: true });
    expect(p.statusCode).toBe(201);
    const zip = await app.inject({
      method: 'GET',
      url: `/api/v1/productions/${p.json().id}/zip`,
      headers: auth(),
    });
    expect(zip.headers['content-disposition']).toMatch(
      /^attachment; filename="GJ-2026-417-production-1.zip"/,
    );
    const entries = await unzip(zip.rawPayload);
    const manifest = JSON.parse(entries.get('manifest.json')!.toString());
    expect(manifest.files).toEqual([
      {
        name: 'AC7001 subscriber.csv',
        path: 'files/01-AC7001_subscriber.csv',
        sha256: sha(csv),
        size: csv.length,
        media_type: 'text/plain',
      },
    ]);
    expect(manifest.accounts).toEqual(['AC7001']);
    const audit = (await json('GET', `/api/v1/requests/${r.id}/audit`)).json().events;
    const recorded = audit.find((e: { action: string }) => e.action === 'production.record');
    expect(recorded.after.manifest_sha256).toBe(sha(entries.get('manifest.json')!));
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'document.attach',
        'document.upload',
        'production.record',
        'production.download',
      ]),
    );
    expect((await json('GET', '/api/v1/audit/verify')).json().ok).toBe(true);
  });

  it('downloads as an attachment that no browser renders, and shows a viewer no more than that documents exist', async () => {
    const r = await s.requests.create(actor('admin'), {
      external_ref: `API-DL-${Date.now()}`,
      received_at: '2026-11-02T00:00:00Z',
      agency: {
        name: 'Metropolitan Police Service',
        kind: 'law_enforcement',
        level: 'national',
        country: 'GB',
      },
      process_type: 'court_order',
      data_sought: ['basic_subscriber'],
      accounts: ['AC1'],
      identifiers: [],
      emergency: false,
      requester_class: 'government',
      channel: 'domestic',
    } as never);
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const d = (
      await upload(
        `/api/v1/requests/${r.id}/documents?kind=correspondence`,
        {},
        { name: 'réponse 100%.html', body: html },
      )
    ).json();
    expect(d.media_type).toBe('text/plain');
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/documents/${d.id}/content`,
      headers: auth(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="r_ponse 100_.html"; filename*=UTF-8''r%C3%A9ponse%20100%25.html`,
    );
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.rawPayload.equals(html)).toBe(true);
    const seen = (await json('GET', `/api/v1/requests/${r.id}/documents`, undefined, viewerToken)).json()
      .documents;
    expect(seen).toEqual([expect.not.objectContaining({ name: expect.anything() })]);
    expect((await json('GET', `/api/v1/documents/${d.id}/content`, undefined, viewerToken)).statusCode).toBe(
      403,
    );
    expect(
      (
        await upload(
          `/api/v1/requests/${r.id}/documents`,
          { kind: 'other' },
          { name: 'x', body: html },
          viewerToken,
        )
      ).statusCode,
    ).toBe(403);
    // A wrong kind is named; nothing is stored.
    const before = blobs().length;
    const bad = await upload(
      `/api/v1/requests/${r.id}/documents`,
      { kind: 'subpoena' },
      { name: 'x', body: html },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe('kind');
    expect(blobs().length).toBe(before);
  });

  it('refuses a file over CANDOR_DOCUMENT_MAX_BYTES with the field named, and stores nothing', async () => {
    const r = (
      await s.requests.list(actor('admin'), { filter: {}, limit: 1, sort: 'received_at', dir: 'desc' })
    ).items[0]!;
    const before = blobs().length;
    const res = await upload(
      `/api/v1/requests/${r.id}/documents`,
      { kind: 'other' },
      { name: 'big.bin', body: randomFile(2 * 1024 * 1024 + 1) },
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues).toEqual([expect.objectContaining({ field: 'file' })]);
    expect(blobs().length).toBe(before);
  });

  it('an upload that dies midway leaves no document row, and gc collects what it left', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as net.AddressInfo).port;
    const r = (
      await s.requests.list(actor('admin'), { filter: {}, limit: 1, sort: 'received_at', dir: 'desc' })
    ).items[0]!;
    const rows = async () => (await s.documents.list(actor('admin'), r.id)).length;
    const rowsBefore = await rows();
    const m = multipart({ kind: 'production' }, { name: 'half.bin', body: randomFile(1024 * 1024) });
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((ok) => sock.once('connect', ok));
    sock.write(
      `POST /api/v1/requests/${r.id}/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${m.contentType}\r\nContent-Length: ${m.body.length}\r\n\r\n`,
    );
    sock.write(m.body.subarray(0, 600 * 1024));
    const parts = () =>
      readdirSync(path.join(config.dataDir, 'documents'), { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.part'));
    const until = async (cond: () => boolean | Promise<boolean>, what: string) => {
      const end = Date.now() + 30_000;
      while (!(await cond())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((ok) => setTimeout(ok, 20));
      }
    };
    await until(() => parts().length > 0, 'the upload to start writing');
    sock.destroy();
    await until(() => parts().length === 0, 'the aborted upload to be cleaned up');
    expect(await rows()).toBe(rowsBefore);
    // Anything left in the store that no row names is garbage for gc.
    const stray = path.join(config.dataDir, 'documents', 'cd', 'cd'.repeat(16));
    mkdirSync(path.dirname(stray), { recursive: true });
    writeFileSync(stray, readFileSync(path.join(config.dataDir, 'secret.key')).subarray(0, 4));
    const later = createServices({ db: t.db, config, clock: () => new Date(Date.now() + 7_200_000) });
    expect((await later.retention.gc(actor('admin'))).keys).toEqual(['cd'.repeat(16)]);
  });

  it('serves a damaged blob as a visibly incomplete download, never a complete one', async () => {
    const port = (app.server.address() as net.AddressInfo).port;
    const r = (
      await s.requests.list(actor('admin'), { filter: {}, limit: 1, sort: 'received_at', dir: 'desc' })
    ).items[0]!;
    const body = randomFile(512 * 1024);
    const d = (
      await upload(`/api/v1/requests/${r.id}/documents`, { kind: 'other' }, { name: 'big.bin', body })
    ).json();
    const key = (
      await t.db.selectFrom('documents').select('blob_key').where('id', '=', d.id).executeTakeFirstOrThrow()
    ).blob_key;
    const file = path.join(config.dataDir, 'documents', key.slice(0, 2), key);
    const blob = readFileSync(file);
    blob[blob.length - 100]! ^= 1;
    writeFileSync(file, blob);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/documents/${d.id}/content`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(body.length));
    let got = 0;
    const failure = await (async () => {
      try {
        for await (const c of res.body!) got += (c as Uint8Array).length;
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(failure).not.toBeNull();
    expect(got).toBeLessThan(body.length);
  });
});
