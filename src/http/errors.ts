import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { databaseFault } from '../db/errors.ts';
import { CandorError, ERROR_CODES, type FieldIssue } from '../errors.ts';

/** Maps every error to `{ error: { code, message, issues? } }` with the status of its code. */
export function errorHandler(err0: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  const fault = databaseFault(err0);
  // The database's own words go to the log only; the client gets ours.
  if (fault) req.log.warn({ err: err0 }, 'database refused a request');
  const err = fault ?? err0;
  if (err instanceof CandorError) {
    return reply.status(ERROR_CODES[err.code].http).send({
      error: { code: err.code, message: err.message, ...(err.issues.length ? { issues: err.issues } : {}) },
    });
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'body';
    const issues: FieldIssue[] = err.validation.map((v) => ({
      field:
        [where === 'body' ? '' : where, ...v.instancePath.split('/').filter(Boolean)]
          .filter(Boolean)
          .join('.') || where,
      message: v.message ?? 'invalid',
    }));
    return reply
      .status(400)
      .send({ error: { code: 'invalid', message: `the ${where} is not valid`, issues } });
  }
  const fe = err as FastifyError;
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.statusCode === 404
        ? 'not_found'
        : fe.statusCode === 415 || fe.statusCode === 400
          ? 'invalid'
          : 'invalid';
    return reply.status(fe.statusCode).send({ error: { code, message: fe.message } });
  }
  req.log.error(err);
  return reply
    .status(500)
    .send({ error: { code: 'internal', message: 'internal error; see the server log' } });
}
