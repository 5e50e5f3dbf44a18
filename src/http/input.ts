import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findBadText } from '../domain/primitives.ts';
import { CandorError } from '../errors.ts';

/**
 * Guards every door of the HTTP server (API and web pages alike) before any handler or schema runs:
 * a body that is not valid UTF-8 is refused (never decoded with replacement characters), and no text in
 * the path, query or body may hold a NUL or an unpaired surrogate. Registered once in `buildApp`, so a route
 * added later is guarded without doing anything.
 */

/** The bytes of a body as text, or a 400 saying they are not UTF-8. */
export function utf8Body(body: Buffer, what: string): string {
  if (!isUtf8(body))
    throw new CandorError('invalid', `the ${what} is not valid UTF-8 text; nothing was done`, [
      { field: 'body', message: 'expected UTF-8' },
    ]);
  return body.toString('utf8');
}

/** Refuses a request whose parameters, query or body hold text that cannot be stored. */
export function checkRequestText(req: FastifyRequest): void {
  for (const [where, value] of [
    ['path', req.params],
    ['query', req.query],
    ['body', req.body],
  ] as const) {
    const bad = findBadText(value);
    if (bad)
      throw new CandorError('invalid', `the ${where} is not valid: ${bad.field} ${bad.message}`, [
        { field: bad.field, message: bad.message },
      ]);
  }
}

export function registerInputGuards(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = utf8Body(body as Buffer, 'JSON body');
    } catch (e) {
      done(e as Error, undefined);
      return;
    }
    parseJson(req, text, done);
  });
  app.addHook('preValidation', async (req) => checkRequestText(req));
}
