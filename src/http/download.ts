import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';

/**
 * Sends a stored file as a download, never as a page: `Content-Disposition: attachment` (the name as data:
 * an ASCII fallback and the UTF-8 name per RFC 6266 / 5987), `nosniff`, and a CSP that sandboxes anything
 * a browser might still render. The stream verifies as it goes; if it fails midway, Fastify destroys the
 * connection, and the client sees fewer bytes than Content-Length announced: an incomplete download,
 * never a complete-looking wrong one.
 */
export function sendDownload(
  reply: FastifyReply,
  f: { name: string; mediaType: string; size?: number; stream: Readable },
): FastifyReply {
  const ascii = f.name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  reply
    .header('content-type', f.mediaType)
    .header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(f.name)}`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'no-store');
  if (f.size !== undefined) reply.header('content-length', String(f.size));
  return reply.send(f.stream);
}
