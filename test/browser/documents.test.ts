import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { CHROMIUM, haveChromium, launchChromium } from '../helpers/chromium.ts';
import { actor, testDatabase, type TestDb } from '../helpers/db.ts';
import { documentsConfig, makePdf, SERVED, unzip } from '../helpers/documents.ts';
import { PASSWORD, userWithPassword } from '../helpers/web.ts';

const ARTIFACTS = 'test-artifacts';
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let t: TestDb;
let s: Services;
let config: Config;
let app: FastifyInstance;
let browser: Browser;
let base = '';
const files = mkdtempSync(path.join(tmpdir(), 'candor-browser-docs-'));
const cspErrors: string[] = [];

describe.skipIf(!haveChromium)('documents in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await testDatabase();
    config = documentsConfig();
    s = createServices({ db: t.db, config, clock: () => new Date() });
    app = await buildApp({ config, services: s });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    await userWithPassword(s, 'handler', 'handler@example.com');
    writeFileSync(path.join(files, 'served subpoena.pdf'), await makePdf(SERVED));
    writeFileSync(
      path.join(files, 'AC7001 subscriber.csv'),
      'account,name,since\nAC7001,Jane Doe,2019-04-01\n',
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
  });

  async function signedIn(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${base}/login`);
    await page.fill('#f-email', 'handler@example.com');
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
    return page;
  }

  it('records a request from the served PDF, produces, downloads the zip, and the audit log proves what was produced', async () => {
    const page = await signedIn();
    await page.goto(`${base}/requests/new`);
    // The process first: uploaded through the plain file field.
    await page.setInputFiles('#process-file', path.join(files, 'served subpoena.pdf'));
    await Promise.all([
      page.waitForURL(/\/requests\/new\?process=\d+$/),
      page.click('text=Read the process'),
    ]);
    await page.click('details.doc-text > summary');
    expect(await page.textContent('details.doc-text pre')).toContain('Case No. GJ-2026-417');
    // Nothing is filled in until chosen.
    expect(await page.inputValue('#f-external-ref')).toBe('');
    await page.check('#use-external-ref-0');
    await page.check('#use-accounts-0');
    await shoot(page, 'documents-suggestions-desktop');
    await Promise.all([page.waitForURL(/use=/), page.click('text=Fill in the chosen suggestions')]);
    expect(await page.inputValue('#f-external-ref')).toBe('GJ-2026-417');
    expect(await page.inputValue('#f-accounts')).toBe('AC7001');
    expect(await page.inputValue('#f-agency-name')).toBe('');
    expect(await page.textContent('.process .notice')).toContain('External reference, Accounts');

    await page.fill('#f-received-at', new Date(Date.now() - 3_600_000).toISOString().slice(0, 16));
    await page.selectOption('#f-process-type', 'grand_jury_subpoena');
    await page.check('input[name=data_sought][value=basic_subscriber]');
    await page.fill('#f-agency-name', 'Federal Bureau of Investigation');
    await page.fill('#f-agency-country', 'US');
    await Promise.all([
      page.waitForURL(/\/requests\/\d+\?created=1$/),
      page.click('button.primary:has-text("Record request")'),
    ]);
    const id = Number(/\/requests\/(\d+)/.exec(page.url())![1]);
    expect(await page.textContent('#document-1, .documents')).toContain('served subpoena.pdf');
    expect(await page.textContent('.documents .doc-text pre')).toContain('GRAND JURY SUBPOENA');

    // The response, then the produced file, dropped onto the upload form (drag-and-drop enhancement).
    const handler = (await s.users.list(actor('admin'))).find((u) => u.email === 'handler@example.com')!;
    const as = {
      label: `user:${handler.id} (handler@example.com)`,
      userId: handler.id,
      role: 'handler' as const,
    };
    await s.workflow.transition(as, id, { to: 'in_review' });
    await s.workflow.respond(as, id, {
      outcome: 'non_content_produced',
      produced: ['basic_subscriber'],
      accounts: [],
    });
    await page.reload();
    await page.selectOption('#upload-kind', 'production');
    const csv = readFileSync(path.join(files, 'AC7001 subscriber.csv'));
    await Promise.all([
      page.waitForURL(/done=uploaded/),
      page.evaluate((text) => {
        const zone = document.querySelector('form[action$="/documents"][data-dropzone]')!;
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'AC7001 subscriber.csv', { type: 'text/csv' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, csv.toString()),
    ]);
    expect(await page.textContent('.documents')).toContain(sha(csv));

    await page.check('#produce-certify');
    await Promise.all([page.waitForURL(/done=produced/), page.click('button:has-text("Record production")')]);
    await shoot(page, 'documents-request-desktop');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download zip')]);
    expect(download.suggestedFilename()).toBe('GJ-2026-417-production-1.zip');
    const zipPath = path.join(files, 'production.zip');
    await download.saveAs(zipPath);
    const entries = await unzip(readFileSync(zipPath));
    const manifest = entries.get('manifest.json')!;
    expect(JSON.parse(manifest.toString()).files[0]).toMatchObject({
      name: 'AC7001 subscriber.csv',
      sha256: sha(csv),
    });
    expect(sha(entries.get('files/01-AC7001_subscriber.csv')!)).toBe(sha(csv));
    // The page shows the manifest's hash, and the hash-chained audit log holds it.
    expect(await page.textContent('ul.productions')).toContain(sha(manifest));
    const events = await s.audit.timeline(actor('admin'), 'request', id);
    const recorded = events.find((e) => e.action === 'production.record')!;
    expect((recorded.after as { manifest_sha256: string }).manifest_sha256).toBe(sha(manifest));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['document.attach', 'document.view', 'document.upload', 'production.download']),
    );
    expect((await s.audit.verify(actor('admin'))).ok).toBe(true);
    expect(cspErrors).toEqual([]);
  });

  it('says clearly when a PDF cannot be read, and keeps it', async () => {
    const page = await signedIn();
    writeFileSync(path.join(files, 'broken.pdf'), '%PDF-1.7\nthis is not really a PDF\n');
    await page.goto(`${base}/requests/new`);
    await page.setInputFiles('#process-file', path.join(files, 'broken.pdf'));
    await Promise.all([page.waitForURL(/process=\d+$/), page.click('text=Read the process')]);
    expect(await page.textContent('.process')).toContain('this PDF could not be read');
    expect(await page.textContent('.process')).toContain('Nothing to suggest');
  });
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}
