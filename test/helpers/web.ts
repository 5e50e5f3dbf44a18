import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/domain/vocabulary.ts';
import type { Services } from '../../src/services/index.ts';
import { actor } from './db.ts';
import { multipart } from './multipart.ts';

export const PASSWORD = 'a long enough passphrase';

/** A browser stand-in over `app.inject`: keeps cookies and the CSRF token of the last page it loaded. */
export class WebClient {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string> = {},
  ) {}

  private absorb(res: LightMyRequestResponse): LightMyRequestResponse {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = c.split(';');
      const i = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, i);
      const value = decodeURIComponent((pair ?? '').slice(i + 1));
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const m = /name="_csrf" value="([^"]*)"/.exec(res.body);
    if (m?.[1]) this.csrf = m[1];
    return res;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.absorb(
      await this.app.inject({
        method: 'GET',
        url,
        headers: { ...this.headers, cookie: this.cookieHeader(), ...headers },
      }),
    );
  }

  /** Posts a form; adds the current CSRF token unless `_csrf` is given (or `csrf: false`). */
  async post(
    url: string,
    fields: Record<string, string | string[]> = {},
    o: { csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (o.csrf !== false && !('_csrf' in fields)) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields))
      for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return this.absorb(
      await this.app.inject({
        method: 'POST',
        url,
        headers: {
          ...this.headers,
          cookie: this.cookieHeader(),
          'content-type': 'application/x-www-form-urlencoded',
          ...o.headers,
        },
        payload: body.toString(),
      }),
    );
  }

  /** Posts a multipart form (an upload): the CSRF token and fields first, the file last, as a browser does. */
  async postFile(
    url: string,
    fields: Record<string, string> = {},
    file: { name: string; body: Buffer } = { name: 'walk.txt', body: Buffer.from('walk') },
  ): Promise<LightMyRequestResponse> {
    const m = multipart({ _csrf: this.csrf, ...fields }, file);
    return this.absorb(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { ...this.headers, cookie: this.cookieHeader(), 'content-type': m.contentType },
        payload: m.body,
      }),
    );
  }

  /** Signs in through the form. */
  async signIn(email: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}

let n = 0;
/** A user with a password set (through a one-time link, as an admin would do it). */
export async function userWithPassword(s: Services, role: Role, email = `${role}-${++n}@example.com`) {
  const { user } = await s.users.add(actor('admin'), email, role);
  const link = await s.auth.passwordLinkToken(actor('admin'), user.id);
  await s.auth.completeSetup(link, null, PASSWORD);
  return user;
}

/**
 * What is wrong with the ids and labels of a page: an id used twice, or a `<label for>` whose field is
 * missing or sits in another `<form>` than the label (forms do not nest, so each lies between its own
 * `<form` and `</form>`). Empty when every label points at its own form's field.
 */
export function labelProblems(html: string): string[] {
  const forms = [...html.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((m) => [m.index, m.index + m[0].length]);
  const formAt = (pos: number) => forms.findIndex(([a, b]) => pos >= a! && pos < b!);
  const problems: string[] = [];
  const ids = new Map<string, number>();
  for (const m of html.matchAll(/<[a-z]+\b[^>]*?\sid="([^"]+)"/g)) {
    if (ids.has(m[1]!)) problems.push(`id "${m[1]}" is used twice`);
    else ids.set(m[1]!, m.index);
  }
  for (const m of html.matchAll(/<label\b[^>]*?\sfor="([^"]+)"/g)) {
    const at = ids.get(m[1]!);
    if (at === undefined) problems.push(`label for="${m[1]}" names no element`);
    else if (formAt(at) !== formAt(m.index))
      problems.push(`label for="${m[1]}" is in another form than its field`);
  }
  return problems;
}
