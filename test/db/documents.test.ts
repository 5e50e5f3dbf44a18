import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { requestInput } from '../../src/domain/request-input.ts';
import { keyringOf, newKey } from '../../src/keys/keyring.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { keyringSource } from '../../src/keys/source.ts';
import { actor, testClock, testDatabase, type TestDb } from '../helpers/db.ts';
import {
  collect,
  documentsConfig,
  fixedKeys,
  makePdf,
  randomFile,
  SERVED,
  streamOf,
  unzip,
} from '../helpers/documents.ts';
import { requestFactory } from '../helpers/factories.ts';
import { refusal, userActor } from '../helpers/workflow.ts';

let t: TestDb;
let config: Config;
let s: Services;
const clock = testClock('2026-11-03T10:00:00Z');
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const admin = actor('admin');

beforeAll(async () => {
  t = await testDatabase();
  config = documentsConfig();
  s = createServices({ db: t.db, config, clock });
});
afterAll(async () => t?.close());

async function newRequest(over = {}) {
  return s.requests.create(admin, requestInput.parse(requestFactory({ accounts: ['AC7001'], ...over })));
}
async function respond(id: number) {
  await s.workflow.transition(admin, id, { to: 'in_review' });
  await s.workflow.respond(admin, id, {
    outcome: 'non_content_produced',
    produced: ['basic_subscriber'],
    accounts: [],
  });
}
const blobFile = (key: string) => path.join(config.dataDir, 'documents', key.slice(0, 2), key);
const blobKeyOf = async (id: number) =>
  (await t.db.selectFrom('documents').select('blob_key').where('id', '=', id).executeTakeFirstOrThrow())
    .blob_key;
const eventsOf = async (id: number) =>
  (await s.audit.timeline(admin, 'request', id)).map((e) => ({
    action: e.action,
    after: e.after as Record<string, unknown>,
  }));

describe('documents on a request', () => {
  it('stores a PDF encrypted, reads its text once, and names its SHA-256 in every audit event', async () => {
    const r = await newRequest();
    const pdf = await makePdf(SERVED);
    const d = await s.documents.upload(admin, r.id, {
      kind: 'legal_process',
      name: '../../etc/passwd subpoena.pdf',
      file: streamOf(pdf),
    });
    expect(d).toMatchObject({
      kind: 'legal_process',
      media_type: 'application/pdf',
      size: pdf.length,
      sha256: sha(pdf),
      text_status: 'extracted',
    });
    expect(d.name).toBe('../../etc/passwd subpoena.pdf');
    // The blob is not the file: no plaintext, 0600, under a random name.
    const file = blobFile(await blobKeyOf(d.id));
    const stored = readFileSync(file);
    expect(stored.includes(Buffer.from('GRAND JURY'))).toBe(false);
    expect(stored.includes(pdf.subarray(0, 64))).toBe(false);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
    const { text, suggestions } = await s.documents.read(admin, d.id);
    expect(text).toContain('Case No. GJ-2026-417');
    expect(suggestions.map((x) => x.value)).toEqual(
      expect.arrayContaining(['GJ-2026-417', 'AC7001', 'jane.doe@example.org']),
    );
    const dl = await s.documents.download(admin, d.id);
    expect(sha(await collect(dl.stream))).toBe(sha(pdf));
    const events = (await eventsOf(r.id)).filter((e) => e.action.startsWith('document.'));
    expect(events.map((e) => e.action)).toEqual(['document.upload', 'document.view', 'document.download']);
    for (const e of events) expect(e.after.sha256).toBe(sha(pdf));
    // The text is sealed in the database, not stored in clear.
    const row = await t.db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', d.id)
      .executeTakeFirstOrThrow();
    expect(row.text_sealed).not.toContain('GRAND JURY');
  });

  it('detects a flipped byte, a cut blob and a wrong master key, and never serves the file whole', async () => {
    const r = await newRequest();
    const body = randomFile(300 * 1024);
    const d = await s.documents.upload(admin, r.id, {
      kind: 'production',
      name: 'records.bin',
      file: streamOf(body),
    });
    const file = blobFile(await blobKeyOf(d.id));
    const good = readFileSync(file);

    // A byte flipped in the third chunk: the first chunks may go out, the rest never does.
    const flipped = Buffer.from(good);
    flipped[16 + 2 * (64 * 1024 + 16) + 100]! ^= 1;
    writeFileSync(file, flipped);
    const dl = await s.documents.download(admin, d.id);
    const got: Buffer[] = [];
    const e1 = await refusal(
      (async () => {
        for await (const c of dl.stream) got.push(c as Buffer);
      })(),
    );
    expect(e1.message).toMatch(/does not authenticate/);
    expect(Buffer.concat(got).length).toBeLessThan(body.length);

    // Cut at a chunk boundary: the chunk that now ends the blob was not sealed as the last one.
    writeFileSync(file, good.subarray(0, 16 + 2 * (64 * 1024 + 16)));
    const cut = await s.documents.download(admin, d.id);
    expect((await refusal(collect(cut.stream))).message).toMatch(/does not authenticate/);

    // A small file is checked whole before the first byte is sent.
    const small = await s.documents.upload(admin, r.id, {
      kind: 'other',
      name: 'a.txt',
      file: streamOf(Buffer.from('hello')),
    });
    const smallFile = blobFile(await blobKeyOf(small.id));
    const b = readFileSync(smallFile);
    b[b.length - 1]! ^= 1;
    writeFileSync(smallFile, b);
    expect((await refusal(s.documents.download(admin, small.id))).code).toBe('unavailable');

    // Another master key cannot unwrap the data key.
    writeFileSync(file, good);
    const other = createServices({
      db: t.db,
      config,
      clock,
      keys: fixedKeys(keyringOf(newKey())),
    });
    const e3 = await refusal(other.documents.download(admin, d.id));
    expect(e3.code).toBe('unavailable');
    expect(e3.message).toMatch(/master key/);
    expect(sha(await collect((await s.documents.download(admin, d.id)).stream))).toBe(sha(body));
  });

  it('refuses a file over the size limit, at any door, and leaves no row and no blob', async () => {
    const r = await newRequest();
    const small = createServices({ db: t.db, config: { ...config, documentMaxBytes: 100_000 }, clock });
    const before = await t.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const blobs = () =>
      readdirSync(path.join(config.dataDir, 'documents'), { recursive: true }).filter((f) =>
        /[0-9a-f]{32}/.test(String(f)),
      ).length;
    const blobsBefore = blobs();
    const e = await refusal(
      small.documents.upload(admin, r.id, {
        kind: 'other',
        name: 'big',
        file: streamOf(randomFile(100_001)),
      }),
    );
    expect(e.code).toBe('invalid');
    expect(e.issues[0]?.field).toBe('file');
    const after = await t.db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(blobs()).toBe(blobsBefore);
    // Exactly at the limit is accepted.
    expect(
      (
        await small.documents.upload(admin, r.id, {
          kind: 'other',
          name: 'ok',
          file: streamOf(randomFile(100_000)),
        })
      ).size,
    ).toBe(100_000);
  });

  it('shows a viewer that documents exist, not their names or content', async () => {
    const r = await newRequest();
    await s.documents.upload(admin, r.id, {
      kind: 'correspondence',
      name: 'letter to agent Smith.txt',
      file: streamOf(Buffer.from('Dear agent')),
    });
    const viewer = actor('viewer');
    const [seen] = await s.documents.list(viewer, r.id);
    expect(seen).toMatchObject({ kind: 'correspondence', size: 10 });
    expect(seen).not.toHaveProperty('name');
    expect(seen).not.toHaveProperty('sha256');
    expect((await refusal(s.documents.download(viewer, seen!.id))).code).toBe('forbidden');
    expect((await refusal(s.documents.read(actor('publisher'), seen!.id))).code).toBe('forbidden');
    expect(
      (
        await refusal(
          s.documents.upload(viewer, r.id, { kind: 'other', name: 'x', file: streamOf(Buffer.from('x')) }),
        )
      ).code,
    ).toBe('forbidden');
  });

  it('deletes for admins only, with a reason: the key is destroyed and the blob removed; a legal hold blocks it', async () => {
    const r = await newRequest();
    const d = await s.documents.upload(admin, r.id, {
      kind: 'other',
      name: 'x.txt',
      file: streamOf(Buffer.from('secret')),
    });
    const key = await blobKeyOf(d.id);
    expect((await refusal(s.documents.remove(actor('handler'), d.id, 'not needed'))).code).toBe('forbidden');
    await s.documents.hold(actor('approver'), d.id, true, 'litigation hold 2026-17');
    expect((await refusal(s.documents.remove(admin, d.id, 'not needed'))).code).toBe('invalid_state');
    await s.documents.hold(admin, d.id, false, 'litigation ended');
    expect((await refusal(s.documents.remove(admin, d.id, ''))).issues[0]?.field).toBe('reason');
    const removed = await s.documents.remove(admin, d.id, 'uploaded to the wrong request');
    expect(removed.removed?.reason).toBe('uploaded to the wrong request');
    const row = await t.db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', d.id)
      .executeTakeFirstOrThrow();
    expect(row.wrapped_key).toBeNull();
    expect(() => readFileSync(blobFile(key))).toThrow();
    expect((await refusal(s.documents.download(admin, d.id))).code).toBe('invalid_state');
    const ev = (await eventsOf(r.id)).filter((e) => e.action.startsWith('document.'));
    expect(ev.map((e) => e.action)).toEqual([
      'document.upload',
      'document.hold',
      'document.hold_release',
      'document.delete',
    ]);
    expect(ev.at(-1)!.after.sha256).toBe(sha('secret'));
  });
});

describe('productions', () => {
  it('are refused until a response produced data, and never beyond it', async () => {
    const r = await newRequest();
    await s.documents.upload(admin, r.id, {
      kind: 'production',
      name: 'subscriber.csv',
      file: streamOf(Buffer.from('account,name\nAC7001,Jane\n')),
    });
    expect((await refusal(s.productions.record(admin, r.id, {}))).code).toBe('invalid_state');
    await respond(r.id);
    const e = await refusal(
      s.productions.record(admin, r.id, { data_categories: ['basic_subscriber', 'content'] }),
    );
    expect(e.code).toBe('invalid_state');
    expect(e.message).toMatch(/adds content/);
  });

  it('records files, accounts and categories in a manifest whose hash is in the audit chain, and zips them', async () => {
    const r = await newRequest();
    const csv = Buffer.from('account,name,created\nAC7001,Jane Doe,2019-04-01\n');
    const big = randomFile(200 * 1024);
    await s.documents.upload(admin, r.id, {
      kind: 'legal_process',
      name: 'subpoena.pdf',
      file: streamOf(await makePdf(SERVED)),
    });
    await s.documents.upload(admin, r.id, {
      kind: 'production',
      name: 'subscriber.csv',
      file: streamOf(csv),
    });
    await s.documents.upload(admin, r.id, {
      kind: 'production',
      name: '../logins/2026.bin',
      file: streamOf(big),
    });
    await respond(r.id);
    const p = await s.productions.record(await userActor(s, 'handler', 'producer'), r.id, { certify: true });
    expect(p.number).toBe(1);
    expect(p.accounts).toEqual(['AC7001']);
    expect(p.data_categories).toEqual(['basic_subscriber']);
    expect(p.files.map((f) => [f.name, f.path, f.sha256])).toEqual([
      ['subscriber.csv', 'files/01-subscriber.csv', sha(csv)],
      ['../logins/2026.bin', 'files/02-logins_2026.bin', sha(big)],
    ]);
    const z = await s.productions.zip(admin, p.id);
    const entries = await unzip(await collect(z.stream));
    expect([...entries.keys()]).toEqual([
      'manifest.json',
      'certification.txt',
      'files/01-subscriber.csv',
      'files/02-logins_2026.bin',
    ]);
    const manifest = entries.get('manifest.json')!;
    expect(sha(manifest)).toBe(p.manifest_sha256);
    expect(sha(entries.get('files/02-logins_2026.bin')!)).toBe(sha(big));
    const cert = entries.get('certification.txt')!.toString();
    expect(cert).toContain('902(11)');
    expect(cert).toContain(p.manifest_sha256);
    expect(cert).toContain(sha(csv));
    // The audit chain proves what was produced: the manifest hash, and each file's.
    const recorded = (await eventsOf(r.id)).find((e) => e.action === 'production.record')!;
    expect(recorded.after.manifest_sha256).toBe(sha(manifest));
    expect((recorded.after.files as Array<{ sha256: string }>).map((f) => f.sha256)).toEqual([
      sha(csv),
      sha(big),
    ]);
    expect((await s.audit.verify(admin)).ok).toBe(true);
    // A second production has nothing new to produce.
    expect((await refusal(s.productions.record(admin, r.id, {}))).issues[0]?.field).toBe('document_ids');
    // The same production gives the same zip, byte for byte.
    const again = await collect((await s.productions.zip(admin, p.id)).stream);
    expect(sha(again)).toBe(sha(await collect((await s.productions.zip(admin, p.id)).stream)));
  });
});

describe('new-request uploads', () => {
  it('keep the process for its uploader alone until the request is recorded with it', async () => {
    const ana = await userActor(s, 'handler', 'ana');
    const bo = await userActor(s, 'handler', 'bo');
    const up = await s.documents.uploadForNewRequest(ana, {
      name: 'served.pdf',
      file: streamOf(await makePdf(SERVED)),
    });
    expect(up.suggestions.find((x) => x.field === 'external_ref')?.value).toBe('GJ-2026-417');
    expect((await refusal(s.documents.read(bo, up.document.id))).code).toBe('not_found');
    const input = requestInput.parse(requestFactory());
    expect(
      (await refusal(s.requests.create(bo, input, { documentIds: [up.document.id] }))).issues[0]?.field,
    ).toBe('document_ids');
    const r = await s.requests.create(ana, input, { documentIds: [up.document.id] });
    expect((await s.documents.list(ana, r.id)).map((d) => d.name)).toEqual(['served.pdf']);
    expect((await eventsOf(r.id)).map((e) => e.action)).toEqual(['request.create', 'document.attach']);
  });
});

describe('retention, gc and key rotation', () => {
  it('purges what the policy lets go (crypto-shredding), never under legal hold, and leaves frozen reports alone', async () => {
    const clock2 = testClock('2026-11-03T10:00:00Z');
    const s2 = createServices({ db: t.db, config, clock: clock2 });
    const r = await s2.requests.create(
      admin,
      requestInput.parse(requestFactory({ received_at: '2026-01-05T10:00:00Z' })),
    );
    const kept = await s2.documents.upload(admin, r.id, {
      kind: 'production',
      name: 'kept.csv',
      file: streamOf(Buffer.from('a')),
    });
    const held = await s2.documents.upload(admin, r.id, {
      kind: 'production',
      name: 'held.csv',
      file: streamOf(Buffer.from('b')),
    });
    const process = await s2.documents.upload(admin, r.id, {
      kind: 'legal_process',
      name: 'process.pdf',
      file: streamOf(Buffer.from('c')),
    });
    await s2.documents.hold(admin, held.id, true, 'litigation');
    await s2.workflow.transition(admin, r.id, { to: 'in_review' });
    await s2.workflow.respond(admin, r.id, { outcome: 'no_data', produced: [], accounts: [] });
    await s2.workflow.transition(admin, r.id, { to: 'closed' });
    const frozen = await s2.reports.freeze(admin, '2026-H1');
    const mine = (items: Array<{ document_id: number }>) =>
      items.map((i) => i.document_id).filter((i) => [kept.id, held.id, process.id].includes(i));
    expect(mine((await s2.retention.purge(admin, { dryRun: true })).items)).toEqual([]);
    clock2.advanceDays(2 * 365 + 1);
    const dry = await s2.retention.purge(admin, { dryRun: true });
    expect(mine(dry.items)).toEqual([kept.id]);
    expect((await s2.documents.list(admin, r.id)).every((d) => d.removed === null)).toBe(true);
    await s2.retention.purge(admin, { dryRun: false });
    const after = await s2.documents.list(admin, r.id);
    expect(after.find((d) => d.id === kept.id)?.removed?.reason).toMatch(/^retention: 730 days/);
    expect(after.filter((d) => d.removed === null).map((d) => d.id)).toEqual([held.id, process.id]);
    expect(
      (await eventsOf(r.id)).filter((e) => e.action === 'document.purge').map((e) => e.after.sha256),
    ).toEqual([sha('a')]);
    const again = await s2.reports.version(admin, '2026-H1', frozen.number);
    expect(again.file_hashes).toEqual(frozen.file_hashes);
    expect(again.audit_head).toBe(frozen.audit_head);
    expect((await s2.audit.verify(admin)).ok).toBe(true);
  });

  it('gc collects blobs no live document names, once they are old enough', async () => {
    const orphan = 'ab'.repeat(16);
    const dir = path.join(config.dataDir, 'documents', 'ab');
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, orphan), 'leftover of an upload that died');
    const r = await newRequest();
    const live = await s.documents.upload(admin, r.id, {
      kind: 'other',
      name: 'live',
      file: streamOf(Buffer.from('live')),
    });
    expect((await s.retention.gc(admin)).keys).not.toContain(orphan); // too recent
    const later = createServices({ db: t.db, config, clock: () => new Date(Date.now() + 2 * 3_600_000) });
    const res = await later.retention.gc(admin);
    expect(res.keys).toContain(orphan);
    expect(res.keys).not.toContain(await blobKeyOf(live.id));
    expect(() => readFileSync(path.join(dir, orphan))).toThrow();
    expect((await later.documents.download(admin, live.id)).document.sha256).toBe(sha('live'));
  });

  it('rotation re-wraps every data key under a new master key and retires the old one, blobs untouched', async () => {
    const r = await newRequest();
    const d = await s.documents.upload(admin, r.id, {
      kind: 'other',
      name: 'r.txt',
      file: streamOf(Buffer.from('rotate me')),
    });
    const blob = readFileSync(blobFile(await blobKeyOf(d.id)));
    const oldRing = keyringSource({ secretKey: undefined, dataDir: config.dataDir }).ring();
    const res = await s.keys.rotate(admin, { newKey: true });
    expect(res.keyId).not.toBe(oldRing.currentId);
    expect(res.resealed.document_keys).toBeGreaterThan(0);
    expect(res.retired).toBe(true);
    const rows = await t.db
      .selectFrom('documents')
      .select('key_id')
      .where('wrapped_key', 'is not', null)
      .execute();
    expect(new Set(rows.map((x) => x.key_id))).toEqual(new Set([res.keyId]));
    expect(readFileSync(blobFile(await blobKeyOf(d.id))).equals(blob)).toBe(true);
    expect(sha(await collect((await s.documents.download(admin, d.id)).stream))).toBe(sha('rotate me'));
    // The old key alone opens nothing any more.
    const old = createServices({
      db: t.db,
      config,
      clock,
      keys: fixedKeys(oldRing),
    });
    expect((await refusal(old.documents.download(admin, d.id))).code).toBe('unavailable');
  });
});
