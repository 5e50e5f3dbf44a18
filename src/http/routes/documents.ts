import type { MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DATA_SOUGHT, DOCUMENT_KINDS } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import { INT4_MAX, recordId } from '../../domain/primitives.ts';
import type { Services } from '../../services/index.ts';
import { sendDownload } from '../download.ts';

const idParams = z.strictObject({ id: recordId });

/** The one file part of a multipart upload; fields sent before it (e.g. `kind`) come with it. */
export async function filePart(req: FastifyRequest): Promise<MultipartFile> {
  if (!req.isMultipart())
    throw new CandorError('invalid', 'expected multipart/form-data with a file', [
      { field: 'file', message: 'required' },
    ]);
  // A body that is not well-formed multipart (no boundary, a cut-off part) is the sender's mistake: a 400.
  const part = await req.file().catch((e: unknown) => {
    if ((e as { statusCode?: number }).statusCode) throw e;
    throw new CandorError(
      'invalid',
      `the upload is not readable multipart/form-data (${(e as Error).message})`,
      [{ field: 'file', message: 'expected a well-formed multipart/form-data body' }],
    );
  });
  if (!part)
    throw new CandorError('invalid', 'the upload has no file', [{ field: 'file', message: 'required' }]);
  return part;
}

/** A form field that came before the file part. */
export function fieldBefore(part: MultipartFile, name: string): string | undefined {
  const f = part.fields[name];
  const one = Array.isArray(f) ? f[0] : f;
  return one && one.type === 'field' ? String(one.value) : undefined;
}

export const productionInput = z.strictObject({
  document_ids: z.array(z.number().int().min(1).max(INT4_MAX)).min(1).max(500).optional(),
  data_categories: z.array(z.enum(DATA_SOUGHT)).min(1).optional(),
  accounts: z.array(z.string().trim().min(1).max(200)).max(1000).optional(),
  certify: z.boolean().optional(),
});

/** Documents and productions under /api/v1 (multipart uploads streamed straight into the encrypted store). */
export function documentRoutes(services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/requests/:id/documents',
      {
        schema: {
          params: idParams,
          querystring: z.strictObject({ kind: z.enum(DOCUMENT_KINDS).optional() }),
          tags: ['documents'],
          description:
            'multipart/form-data: a `kind` field (or ?kind=) before one `file` part; streamed, encrypted at rest',
        },
      },
      async (req, reply) => {
        const part = await filePart(req);
        const kind = req.query.kind ?? fieldBefore(part, 'kind');
        const d = await services.documents.upload(req.actor, req.params.id, {
          kind: kind as (typeof DOCUMENT_KINDS)[number],
          name: part.filename,
          file: part.file,
        });
        return reply.status(201).header('location', `/api/v1/documents/${d.id}`).send(d);
      },
    );

    app.post(
      '/documents',
      {
        schema: {
          tags: ['documents'],
          description:
            'Served legal process uploaded before its request is recorded: returns its text and suggestions; attach it with POST /requests?attach=ID',
        },
      },
      async (req, reply) => {
        const part = await filePart(req);
        const r = await services.documents.uploadForNewRequest(req.actor, {
          name: part.filename,
          file: part.file,
        });
        return reply.status(201).send(r);
      },
    );

    app.get(
      '/requests/:id/documents',
      { schema: { params: idParams, tags: ['documents'] } },
      async (req) => ({
        documents: await services.documents.list(req.actor, req.params.id),
      }),
    );

    app.get('/documents/:id', { schema: { params: idParams, tags: ['documents'] } }, async (req) =>
      services.documents.get(req.actor, req.params.id),
    );

    app.get('/documents/:id/text', { schema: { params: idParams, tags: ['documents'] } }, async (req) =>
      services.documents.read(req.actor, req.params.id),
    );

    app.get(
      '/documents/:id/content',
      { schema: { params: idParams, tags: ['documents'] } },
      async (req, reply) => {
        const { document: d, stream } = await services.documents.download(req.actor, req.params.id);
        return sendDownload(reply, {
          name: d.name,
          mediaType: d.media_type ?? 'application/octet-stream',
          size: d.size,
          stream,
        });
      },
    );

    app.delete(
      '/documents/:id',
      {
        schema: {
          params: idParams,
          body: z.strictObject({ reason: z.string().max(1000) }),
          tags: ['documents'],
        },
      },
      async (req) => services.documents.remove(req.actor, req.params.id, req.body.reason),
    );

    app.put(
      '/documents/:id/hold',
      {
        schema: {
          params: idParams,
          body: z.strictObject({ hold: z.boolean(), reason: z.string().max(1000) }),
          tags: ['documents'],
        },
      },
      async (req) => services.documents.hold(req.actor, req.params.id, req.body.hold, req.body.reason),
    );

    app.post(
      '/requests/:id/productions',
      { schema: { params: idParams, body: productionInput, tags: ['documents'] } },
      async (req, reply) => {
        const p = await services.productions.record(req.actor, req.params.id, req.body);
        return reply.status(201).header('location', `/api/v1/productions/${p.id}`).send(p);
      },
    );

    app.get(
      '/requests/:id/productions',
      { schema: { params: idParams, tags: ['documents'] } },
      async (req) => ({
        productions: await services.productions.list(req.actor, req.params.id),
      }),
    );

    app.get('/productions/:id', { schema: { params: idParams, tags: ['documents'] } }, async (req) =>
      services.productions.get(req.actor, req.params.id),
    );

    app.get(
      '/productions/:id/zip',
      { schema: { params: idParams, tags: ['documents'] } },
      async (req, reply) => {
        const z = await services.productions.zip(req.actor, req.params.id);
        return sendDownload(reply, { name: z.fileName, mediaType: 'application/zip', stream: z.stream });
      },
    );
  };
}
