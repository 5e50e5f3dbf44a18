import {
  createReadStream,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  createWriteStream,
} from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Option, type Command } from 'commander';
import { DOCUMENT_KINDS, type DocumentKind } from '../../domain/vocabulary.ts';
import type { Suggestion } from '../../domain/document-suggestions.ts';
import { CandorError } from '../../errors.ts';
import type { PresentedDocument } from '../../services/documents/documents.ts';
import { withContext } from '../context.ts';
import { err, out } from '../output.ts';

const positive = (what: string) => (s: string) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new CandorError('invalid', `${what}: expected a positive integer`);
  return n;
};
const requestId = positive('REQUEST_ID');
const documentId = positive('DOCUMENT_ID');

function readable(file: string) {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new CandorError('invalid', `${file}: not a readable file (${(e as Error).message})`);
  }
  return createReadStream(file);
}

const size = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
const line = (d: PresentedDocument) =>
  `${d.id}\t${d.kind}\t${d.name ?? '(name hidden)'}\t${d.media_type ?? ''}\t${size(d.size)}\t${d.sha256 ?? ''}${d.legal_hold ? '\tLEGAL HOLD' : ''}${d.removed ? `\tremoved ${d.removed.at.slice(0, 10)}: ${d.removed.reason}` : ''}`;

function printSuggestions(s: Suggestion[]) {
  if (s.length === 0) return out('no suggestions found in the text');
  out('suggestions (use them yourself: nothing is filled in):');
  for (const x of s)
    out(`  --${x.field.replace('agency.name', 'agency-name').replace('_', '-')}\t${x.value}\t(${x.what})`);
}

/** Writes a stream to `file` through a temporary name: a download that fails leaves no file. */
async function saveTo(file: string, stream: NodeJS.ReadableStream): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.part`;
  try {
    await pipeline(stream, createWriteStream(tmp, { mode: 0o600 }));
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** `candor document ...`, `candor documents ...`, `candor production ...` (`candor keys rotate` re-wraps document keys too). */
export function register(p: Command, setCode: (n: number) => void): void {
  const doc = p
    .command('document')
    .description('documents of a request: legal process, correspondence, productions');
  doc
    .command('add <request-id> <file>')
    .description('attach a file to a request (encrypted at rest; PDF text read once)')
    .addOption(new Option('--kind <kind>', 'what the file is').choices(DOCUMENT_KINDS).makeOptionMandatory())
    .option('--name <name>', 'the name to record (default: the file name)')
    .action(async (id: string, file: string, o: { kind: DocumentKind; name?: string }) => {
      const rid = requestId(id);
      const d = await withContext(({ services, actor }) =>
        services.documents.upload(actor, rid, {
          kind: o.kind,
          name: o.name ?? path.basename(file),
          file: readable(file),
        }),
      );
      out(
        `added document ${d.id} to request ${rid}: ${d.name} (${d.media_type}, ${size(d.size)}) sha256 ${d.sha256}`,
      );
      if (d.text_status === 'extracted') out(`text read: candor document text ${d.id}`);
      if (d.text_note) out(`note: ${d.text_note}`);
    });
  doc
    .command('intake <file>')
    .description(
      'read served legal process before recording its request: prints its text and suggestions; then `candor request add ... --attach ID`',
    )
    .action(async (file: string) => {
      const r = await withContext(({ services, actor }) =>
        services.documents.uploadForNewRequest(actor, { name: path.basename(file), file: readable(file) }),
      );
      out(
        `document ${r.document.id}: ${r.document.name} sha256 ${r.document.sha256} (attach it with --attach ${r.document.id})`,
      );
      if (r.document.text_note) out(`note: ${r.document.text_note}`);
      if (r.text) out(`--- text ---\n${r.text}\n--- end ---`);
      printSuggestions(r.suggestions);
    });
  doc
    .command('list <request-id>')
    .description('list the documents of a request (id, kind, name, type, size, SHA-256)')
    .option('--json', 'print it as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const ds = await withContext(({ services, actor }) => services.documents.list(actor, requestId(id)));
      if (o.json) return out(JSON.stringify(ds, null, 2));
      for (const d of ds) out(line(d));
      if (ds.length === 0) out('no documents');
    });
  doc
    .command('text <document-id>')
    .description('print the text read from a PDF, and the suggestions found in it')
    .action(async (id: string) => {
      const r = await withContext(({ services, actor }) => services.documents.read(actor, documentId(id)));
      if (r.text === null) out(`no text: ${r.document.text_note ?? 'not a PDF'}`);
      else out(r.text);
      printSuggestions(r.suggestions);
    });
  doc
    .command('get <document-id>')
    .description('write a document to a file (decrypted and verified; nothing is written if it fails)')
    .requiredOption('--out <file>', 'where to write it')
    .action(async (id: string, o: { out: string }) => {
      const d = await withContext(async ({ services, actor }) => {
        const r = await services.documents.download(actor, documentId(id));
        await saveTo(o.out, r.stream);
        return r.document;
      });
      out(`wrote ${o.out}: ${d.name} (${size(d.size)}) sha256 ${d.sha256}`);
    });
  doc
    .command('delete <document-id>')
    .description('delete a document (admins): its key is destroyed, then its blob removed')
    .requiredOption('--reason <text>', 'why (kept in the audit log)')
    .action(async (id: string, o: { reason: string }) => {
      const d = await withContext(({ services, actor }) =>
        services.documents.remove(actor, documentId(id), o.reason),
      );
      out(`deleted document ${d.id} (${d.name}, sha256 ${d.sha256})`);
    });
  doc
    .command('hold <document-id>')
    .description('put a document under legal hold (no deletion, no purge), or --release it')
    .requiredOption('--reason <text>', 'why')
    .option('--release', 'release the hold')
    .action(async (id: string, o: { reason: string; release?: boolean }) => {
      const d = await withContext(({ services, actor }) =>
        services.documents.hold(actor, documentId(id), !o.release, o.reason),
      );
      out(`document ${d.id}: ${d.legal_hold ? 'under legal hold' : 'hold released'}`);
    });

  const docs = p.command('documents').description('the document store: retention, garbage, integrity');
  docs
    .command('purge')
    .description(
      'purge documents past their retention (policy file: documents.retentionDays); crypto-shredding',
    )
    .option('--dry-run', 'only list what would go')
    .action(async (o: { dryRun?: boolean }) => {
      const r = await withContext(({ services, actor }) =>
        services.retention.purge(actor, { dryRun: !!o.dryRun }),
      );
      for (const i of r.items)
        out(
          `${o.dryRun ? 'would purge' : 'purged'}\t${i.document_id}\trequest ${i.request_id ?? '-'}\t${i.kind}\t${i.name}\t${i.sha256}\t${i.reason}`,
        );
      out(o.dryRun ? `${r.items.length} document(s) would be purged` : `${r.purged} document(s) purged`);
    });
  docs
    .command('gc')
    .description('remove blobs no document names (uploads that died midway), older than --older-than hours')
    .option('--older-than <hours>', 'leave younger blobs alone (uploads in progress)', '1')
    .option('--dry-run', 'only count them')
    .action(async (o: { olderThan: string; dryRun?: boolean }) => {
      const hours = Number(o.olderThan);
      if (!(hours >= 0)) throw new CandorError('invalid', '--older-than: expected a number of hours');
      const r = await withContext(({ services, actor }) =>
        services.retention.gc(actor, { olderThanMs: hours * 3_600_000, dryRun: !!o.dryRun }),
      );
      out(`${r.scanned} blob(s) scanned, ${r.collected} ${o.dryRun ? 'to collect' : 'collected'}`);
    });
  docs
    .command('verify')
    .description('decrypt every document and check it against its recorded SHA-256')
    .action(async () => {
      const r = await withContext(({ services, actor }) => services.retention.verify(actor));
      for (const f of r.failed) err(`BROKEN document ${f.document_id} (${f.name}): ${f.problem}`);
      out(`${r.checked} document(s) checked, ${r.failed.length} broken`);
      if (r.failed.length) setCode(8);
    });

  const prod = p.command('production').description('productions: what was handed over, with its manifest');
  prod
    .command('build <request-id>')
    .description("record a production of the request's produced files (kind production) and write its zip")
    .requiredOption('--out <dir>', 'directory for the zip')
    .option('--certify', 'add the business-records certification (FRE 902(11)) filled from the record')
    .option('--documents <ids>', 'the produced files (default: every production document not produced yet)')
    .option('--number <n>', 'write the zip of production N again instead of recording a new one')
    .action(
      async (id: string, o: { out: string; certify?: boolean; documents?: string; number?: string }) => {
        const rid = requestId(id);
        const r = await withContext(async ({ services, actor }) => {
          let production;
          if (o.number) {
            const n = positive('--number')(o.number);
            production = (await services.productions.list(actor, rid)).find((x) => x.number === n);
            if (!production) throw new CandorError('not_found', `request ${rid} has no production ${n}`);
          } else {
            production = await services.productions.record(actor, rid, {
              certify: !!o.certify,
              ...(o.documents ? { document_ids: o.documents.split(',').map(positive('--documents')) } : {}),
            });
          }
          const z = await services.productions.zip(actor, production.id);
          const file = path.join(o.out, z.fileName);
          await saveTo(file, z.stream);
          return { file, production };
        });
        out(
          `production ${r.production.number} of request ${rid}: ${r.production.files.length} file(s), manifest sha256 ${r.production.manifest_sha256}`,
        );
        out(`wrote ${r.file}`);
      },
    );
  prod
    .command('list <request-id>')
    .description('the productions of a request')
    .option('--json', 'print it as JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const ps = await withContext(({ services, actor }) => services.productions.list(actor, requestId(id)));
      if (o.json) return out(JSON.stringify(ps, null, 2));
      for (const x of ps)
        out(
          `${x.number}\t${x.produced_at}\t${x.produced_by}\t${x.files.length} file(s)\tmanifest ${x.manifest_sha256}`,
        );
      if (ps.length === 0) out('no productions');
    });
  const tpl = prod.command('template').description('the business-records certification template (admins)');
  tpl.command('show').action(async () => {
    const t = await withContext(({ services, actor }) => services.productions.certificationTemplate(actor));
    out(t.body);
  });
  tpl
    .command('set <file>')
    .description('save a new version from a text file')
    .action(async (file: string) => {
      const body = readFileSync(file, 'utf8');
      const v = await withContext(({ services, actor }) =>
        services.productions.setCertificationTemplate(actor, body),
      );
      out(`saved certification template version ${v}`);
    });
}
