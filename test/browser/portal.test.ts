import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { base32Decode, hotp, timeStep } from '../../src/domain/totp.ts';
import { buildApp } from '../../src/http/app.ts';
import { firstRunLink } from '../../src/services/auth.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { CHROMIUM, freePort, haveChromium, launchChromium, press } from '../helpers/chromium.ts';
import { testDatabase, type TestDb } from '../helpers/db.ts';
import { makePdf, unzip } from '../helpers/documents.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';

/**
 * Issue 15's done-when, in Chromium: a new provider starts Candor and adds `.gov` to the domain rules; a
 * second browser registers as an officer, submits a grand jury subpoena with its PDF and an emergency
 * request, follows both to the end and downloads the production, while the staff handle them in the app.
 * The e-mails go through a real SMTP server and their links are followed as sent.
 */

const ARTIFACTS = 'test-artifacts';
if (!haveChromium) console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium)`);

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const OFFICER = 'dana.scully@police.example.gov';
const ONCALL = 'oncall@provider.example';
const WAIT = { timeout: 20_000 };
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let t: TestDb;
let s: Services;
let smtp: TestSmtp;
let app: FastifyInstance;
let browser: Browser;
let base = '';
const dir = mkdtempSync(path.join(tmpdir(), 'candor-browser-portal-'));
const cspErrors: string[] = [];
const overflow: string[] = [];

async function context(viewport = DESKTOP, phone = false): Promise<BrowserContext> {
  const c = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    acceptDownloads: true,
    ...(phone ? { isMobile: true, hasTouch: true } : {}),
  });
  c.setDefaultTimeout(WAIT.timeout);
  c.on('page', (p) => {
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    p.on('dialog', (d) => void d.accept());
  });
  return c;
}

/** A full-page screenshot at desktop and phone size; on the phone nothing may be wider than the screen. */
async function shoot(page: Page, name: string): Promise<void> {
  const was = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${ARTIFACTS}/portal-${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${ARTIFACTS}/portal-${name}-phone.png`, fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > PHONE.width) overflow.push(`${name}: ${width}px`);
  await page.setViewportSize(was);
}

/** The last link of a kind e-mailed to an address, waiting for it to arrive. */
async function mailedLink(to: string, kind: 'verify' | 'sign-in', after: number): Promise<string> {
  const find = () =>
    smtp.arrivals
      .slice(after)
      .filter((a) => a.to.includes(to))
      .map((a) => a.raw.replace(/=\r?\n/g, '').match(new RegExp(`${base}/portal/${kind}/[A-Za-z0-9_-]+`)))
      .find((m) => m)?.[0];
  await expect.poll(find, WAIT).toBeTruthy();
  return find()!;
}

/** The code an authenticator app shows for `secret`, `ahead` steps of 30 seconds from now. */
const totp = (secret: string, ahead = 0) => hotp(base32Decode(secret), timeStep(new Date()) + ahead);

describe.skipIf(!haveChromium)('the agency portal in Chromium', () => {
  let staff: Page;
  let officer: Page;
  let secret = '';
  let subpoena = 0;
  let requestId = 0;
  const production = Buffer.from('account,name,since\nalice@example.com,Alice Example,2019-04-01\n');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    smtp = await startSmtp();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      CANDOR_DATA_DIR: dir,
      CANDOR_PUBLISH_REPO: path.join(dir, 'public'),
      CANDOR_PUBLIC_URL: base,
      CANDOR_SMTP_URL: smtp.url,
      CANDOR_PORTAL_ONCALL: ONCALL,
    });
    t = await testDatabase();
    // Real time: the browser's cookies, the sessions' expiry and the authenticator codes must all agree.
    s = createServices({ db: t.db, config, clock: () => new Date() });
    app = await buildApp({ config, services: s });
    await app.listen({ port, host: '127.0.0.1' });
    writeFileSync(
      path.join(dir, 'GJ-2026-0417 subpoena.pdf'),
      await makePdf([
        'UNITED STATES DISTRICT COURT',
        'GRAND JURY SUBPOENA',
        'Case No. GJ-2026-0417',
        'Produce basic subscriber information for alice@example.com.',
      ]),
    );
    writeFileSync(path.join(dir, 'subscriber.csv'), production);
    browser = await launchChromium();
    staff = await (await context()).newPage();
    officer = await (await context()).newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await smtp?.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a new provider sets up the first admin and adds .gov to the domain rules in the app', async () => {
    await staff.goto((await firstRunLink(s, base))!);
    await staff.fill('#f-email', 'counsel@provider.example');
    await staff.fill('#f-password', 'a long enough passphrase');
    await press(staff, 'button[type=submit]', `${base}/`);
    await staff.goto(`${base}/admin`);
    await press(staff, 'a[href="/admin/portal"]', `${base}/admin/portal`);
    await staff.fill('form[action="/admin/portal/domains"] input[name=domain]', '.gov');
    await staff.fill('form[action="/admin/portal/domains"] input[name=country]', 'US');
    await press(
      staff,
      'form[action="/admin/portal/domains"] button[type=submit]',
      `${base}/admin/portal/domains`,
    );
    expect(await staff.textContent('main')).toContain('.gov');
    await shoot(staff, 'staff-admin');
  });

  it('an officer registers, confirms the address by the e-mailed link, enrols TOTP, and signs in with link and code', async () => {
    await officer.goto(`${base}/portal`);
    await shoot(officer, 'landing');
    await press(officer, 'a:has-text("officer guide")', `${base}/portal/guide`);
    await shoot(officer, 'guide');
    await officer.goto(`${base}/portal`);
    await press(officer, 'a:has-text("Register")', `${base}/portal/register`);
    await officer.fill('#f-email', OFFICER);
    await officer.fill('#f-name', 'Dana Scully');
    await officer.fill('#f-title', 'Detective');
    await officer.fill('#f-agency', 'Example City Police Department');
    await officer.fill('#f-phone', '+1 202 555 0100');
    await shoot(officer, 'register');
    const before = smtp.arrivals.length;
    await press(officer, 'button:has-text("Register")', `${base}/portal/register`);
    expect(await officer.textContent('h1')).toBe('Check your e-mail');
    await shoot(officer, 'register-sent');

    await officer.goto(await mailedLink(OFFICER, 'verify', before));
    await shoot(officer, 'verify');
    await press(officer, 'button:has-text("Confirm my address")', `${base}/portal/enrol`);
    secret = (await officer.textContent('.p-secret'))!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shoot(officer, 'enrol');
    await officer.fill('#f-code', totp(secret));
    await press(officer, 'button:has-text("Confirm")', `${base}/portal`);
    expect(await officer.textContent('h1')).toBe('My submissions');
    await shoot(officer, 'home-empty');

    // Signing in again, on a phone: the e-mailed link, then a code the enrolment did not use.
    const phone = await (await context(PHONE, true)).newPage();
    await phone.goto(`${base}/portal/sign-in`);
    await phone.fill('#f-email', OFFICER);
    await shoot(phone, 'sign-in');
    const sent = smtp.arrivals.length;
    await press(phone, 'button[type=submit]', `${base}/portal/sign-in`);
    await phone.goto(await mailedLink(OFFICER, 'sign-in', sent));
    await shoot(phone, 'sign-in-link');
    await press(phone, 'button:has-text("Continue signing in")', `${base}/portal/code`);
    await phone.fill('#f-code', '000000');
    await press(phone, 'button:has-text("Sign in")', `${base}/portal/code`);
    expect(await phone.textContent('main')).toMatch(/code/i);
    await shoot(phone, 'code-wrong');
    // Each code is accepted once: the next step's code (within the one-step drift the server allows).
    await phone.fill('#f-code', totp(secret, 1));
    await press(phone, 'button:has-text("Sign in")', `${base}/portal`);
    expect(await phone.textContent('footer')).toContain(OFFICER);
    await phone.context().close();
  });

  it('the officer submits a grand jury subpoena with its PDF; staff accept it at /intake; the officer sees it in review', async () => {
    await officer.goto(`${base}/portal`);
    await press(officer, 'main a:has-text("New submission")', `${base}/portal/submit`);
    await officer.fill('#f-reference', 'GJ-2026-0417');
    await officer.selectOption('#f-process-type', 'grand_jury_subpoena');
    await officer.fill('#f-legal-authority', '18 U.S.C. 2703(c)(2); N.D. Cal. grand jury 26-1');
    await officer.selectOption('#f-agency-level', 'local');
    await officer.fill('#f-accounts', 'alice@example.com');
    await officer.check('input[name=data_sought][value=basic_subscriber]');
    await officer.fill('#f-officer-title', 'Detective');
    await officer.fill('#f-officer-phone', '+1 202 555 0100');
    await officer.check('input[name=attest]');
    await officer.fill('#f-signature', 'Dana Scully');
    await officer.setInputFiles('#f-process_file', path.join(dir, 'GJ-2026-0417 subpoena.pdf'));
    await shoot(officer, 'submit');
    await press(officer, 'button:has-text("Send to the legal team")', /\/portal\/submissions\/\d+$/);
    subpoena = Number(/(\d+)$/.exec(officer.url())![1]);
    expect(await officer.textContent('main')).toContain('Received');
    await shoot(officer, 'submission-received');

    await staff.goto(`${base}/`);
    await press(staff, 'nav a:has-text("Portal intake")', `${base}/intake`);
    const card = `section[aria-labelledby="sub-${subpoena}"]`;
    expect(await staff.textContent(card)).toContain('domain rule .gov');
    expect(await staff.textContent(card)).toContain('Grand jury subpoena');
    const [pdf] = await Promise.all([
      staff.waitForEvent('download', WAIT),
      staff.click(`${card} a:has-text("the PDF")`),
    ]);
    expect(sha(readFileSync((await pdf.path())!))).toBe(
      sha(readFileSync(path.join(dir, 'GJ-2026-0417 subpoena.pdf'))),
    );
    await shoot(staff, 'staff-intake');
    const mailed = smtp.arrivals.length;
    await press(staff, `${card} form.inline button:has-text("Accept")`, /\/requests\/\d+$/);
    requestId = Number(/(\d+)$/.exec(staff.url())![1]);
    expect(await staff.textContent('h1')).toContain(`PORTAL-${subpoena}`);
    expect(await staff.textContent('section[aria-labelledby=portal]')).toContain('Dana Scully');
    expect(await staff.textContent('.documents')).toContain('GJ-2026-0417 subpoena.pdf');

    // The officer is e-mailed the new status, and reads it in the portal.
    await expect
      .poll(
        () => smtp.arrivals.slice(mailed).some((a) => a.to.includes(OFFICER) && /In review/.test(a.raw)),
        WAIT,
      )
      .toBe(true);
    await officer.reload();
    expect(await officer.textContent('main')).toContain('In review');
  });

  it('the legal team and the officer exchange messages, each reading exactly what the other wrote', async () => {
    await staff.fill(`#f-portal-${subpoena}-body`, 'Please send page 2 of the subpoena, signed.');
    await press(
      staff,
      `form[action$="/portal/${subpoena}/message"] button`,
      (u) => u.pathname === `/requests/${requestId}`,
    );
    await officer.reload();
    expect(await officer.textContent('.p-msg-staff')).toContain(
      'Please send page 2 of the subpoena, signed.',
    );
    await officer.fill('#f-body', 'Page 2 is attached to the PDF already: see its last page.');
    await press(officer, 'button:has-text("Send message")', `${base}/portal/submissions/${subpoena}`);
    expect(await officer.textContent('.p-msg-you')).toContain('Page 2 is attached');
    await shoot(officer, 'submission-messages');
    await staff.reload();
    expect(await staff.textContent('section[aria-labelledby=portal] .thread')).toContain(
      'Page 2 is attached to the PDF already',
    );
  });

  it('staff respond, record and release the production through the gate; the officer downloads exactly it', async () => {
    const detail = (u: URL) => u.pathname === `/requests/${requestId}`;
    const act = async (form: string, fill: () => Promise<unknown>) => {
      if (!(await staff.$eval(`#act-${form}`, (d) => (d as HTMLDetailsElement).open)))
        await staff.click(`#act-${form} > summary`);
      await fill();
      await press(staff, `#act-${form} button[type=submit]`, detail);
      await staff.waitForSelector('.notice-ok', WAIT);
    };
    await act('transition', () => staff.selectOption('#act-transition select[name=to]', 'in_review'));
    await act('respond', async () => {
      await staff.selectOption('#act-respond select[name=outcome]', 'non_content_produced');
      await staff.check('#act-respond input[name=produced][value=basic_subscriber]');
      await staff.selectOption('#act-respond select[name="result.0"]', 'produced');
    });
    // The produced file, uploaded through the plain file field, then recorded as a production.
    await staff.selectOption('#upload-kind', 'production');
    await staff.setInputFiles('#upload-file', path.join(dir, 'subscriber.csv'));
    await press(staff, 'form[action$="/documents"] button:has-text("Upload")', /done=uploaded/);
    await press(staff, 'button:has-text("Record production")', /done=produced/);
    const manifest = (await staff.textContent('ul.productions .mono'))!.replace(/^.*SHA-256\s*/, '').trim();
    await staff.fill(`#f-portal-${subpoena}-days`, '3');
    await staff.fill(`#f-portal-${subpoena}-max-downloads`, '2');
    await press(staff, 'button:has-text("Release to the officer")', detail);
    expect(await staff.textContent('section[aria-labelledby=portal] table')).toContain('0 of 2');
    await shoot(staff, 'staff-request');

    await officer.reload();
    expect(await officer.textContent('main')).toContain('Responded');
    await shoot(officer, 'submission-released');
    const [download] = await Promise.all([
      officer.waitForEvent('download', WAIT),
      officer.click('a:has-text("Download")'),
    ]);
    const zip = await unzip(readFileSync((await download.path())!));
    expect(sha(zip.get('manifest.json')!)).toBe(manifest);
    expect(JSON.parse(zip.get('manifest.json')!.toString()).files[0]).toMatchObject({
      name: 'subscriber.csv',
      sha256: sha(production),
    });
    expect([...zip.values()].some((b) => b.equals(production))).toBe(true);
    await staff.reload();
    expect(await staff.textContent('section[aria-labelledby=portal] table')).toContain('1 of 2');
  });

  it('an emergency answers the 2702(b)(8) questions, alerts the on-call address at once, and is answered', async () => {
    await officer.goto(`${base}/portal/submit`);
    await officer.fill('#f-reference', 'EM-2026-12');
    await officer.selectOption('#f-process-type', 'emergency_request');
    await officer.fill('#f-accounts', 'alice@example.com');
    await officer.check('input[name=data_sought][value=basic_subscriber]');
    await officer.check('input[name=emergency]');
    await officer.fill('#f-officer-title', 'Detective');
    await officer.fill('#f-officer-phone', '+1 202 555 0100');
    await officer.check('input[name=attest]');
    await officer.fill('#f-signature', 'Dana Scully');
    // The questions unanswered: the page says what is missing and keeps what was typed.
    await press(officer, 'button:has-text("Send to the legal team")', `${base}/portal/submit`);
    expect(await officer.textContent('main')).toMatch(/danger of death or serious physical injury/);
    expect(await officer.inputValue('#f-reference')).toBe('EM-2026-12');
    await shoot(officer, 'submit-errors');
    await officer.fill('#f-danger', 'A missing 9-year-old; the account holder is the suspected abductor.');
    await officer.fill('#f-why-now', 'The child has been gone 6 hours; a court cannot sit before morning.');
    await officer.fill('#f-callback-phone', '+1 202 555 0199');
    await officer.check('input[name=attest]');
    await officer.setInputFiles('#f-process_file', path.join(dir, 'GJ-2026-0417 subpoena.pdf'));
    const mailed = smtp.arrivals.length;
    await press(officer, 'button:has-text("Send to the legal team")', /\/portal\/submissions\/\d+$/);
    const emergency = Number(/(\d+)$/.exec(officer.url())![1]);
    expect(await officer.textContent('main')).toContain('Emergency');
    await expect
      .poll(() => smtp.arrivals.slice(mailed).find((a) => a.to.includes(ONCALL))?.raw ?? '', WAIT)
      .toMatch(/\+1 202 555 0199/);

    // Already a request: the intake shows the answers and links to it; the team answers there.
    await staff.goto(`${base}/intake`);
    const card = `section[aria-labelledby="sub-${emergency}"]`;
    expect(await staff.textContent(card)).toContain('A missing 9-year-old');
    await press(staff, `${card} a:has-text("request")`, /\/requests\/\d+$/);
    const em = Number(/(\d+)$/.exec(staff.url())![1]);
    expect(await staff.textContent('main')).toMatch(/emergency/i);
    await staff.fill(
      `#f-portal-${emergency}-body`,
      'We called your duty desk; no records match this account.',
    );
    await press(
      staff,
      `form[action$="/portal/${emergency}/message"] button`,
      (u) => u.pathname === `/requests/${em}`,
    );
    const act = async (form: string, fill: () => Promise<unknown>) => {
      if (!(await staff.$eval(`#act-${form}`, (d) => (d as HTMLDetailsElement).open)))
        await staff.click(`#act-${form} > summary`);
      await fill();
      await press(staff, `#act-${form} button[type=submit]`, (u) => u.pathname === `/requests/${em}`);
      await staff.waitForSelector('.notice-ok', WAIT);
    };
    await act('transition', () => staff.selectOption('#act-transition select[name=to]', 'in_review'));
    await act('respond', () => staff.selectOption('#act-respond select[name=outcome]', 'no_data'));
    await shoot(staff, 'staff-emergency');

    await officer.reload();
    expect(await officer.textContent('main')).toContain('Responded');
    expect(await officer.textContent('.p-msg-staff')).toContain('We called your duty desk');
    await shoot(officer, 'submission-emergency');
    // The queue still holds it until someone accepts it there; accepting keeps the one request.
    await staff.goto(`${base}/intake`);
    await press(staff, `${card} form.inline button:has-text("Accept")`, `${base}/requests/${em}`);
    await staff.goto(`${base}/intake`);
    expect(await staff.textContent('main')).toContain('No submission is waiting.');
    await officer.goto(`${base}/portal`);
    expect(await officer.locator('.p-list li').count()).toBe(2);
    expect(await officer.textContent('.p-list')).not.toMatch(/Received|In review/);
    await shoot(officer, 'home');

    expect(cspErrors).toEqual([]);
    expect(overflow).toEqual([]);
  });
});
