import { Option, type Command } from 'commander';
import { CORRESPONDENCE_CHANNELS, CORRESPONDENCE_DIRECTIONS } from '../../domain/vocabulary.ts';
import { CandorError } from '../../errors.ts';
import type { PresentedComment, PresentedCorrespondence } from '../../services/comments.ts';
import { withContext } from '../context.ts';
import { err, out } from '../output.ts';

/**
 * `candor request comment|comments|correspondence`: a request's comment thread and its correspondence log
 * (docs/workflow.md, "Comments and correspondence"). The checks are the service's, as for the API and the web.
 */

function requestId(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CandorError('invalid', 'ID: expected a positive integer');
  return n;
}

/** The CLI's names for the API's fields, so a refusal names what the user typed. */
const FLAGS: Record<string, string> = {
  text: 'TEXT',
  occurred_at: '--at',
  document_id: '--document',
  direction: '--direction',
  channel: '--channel',
  counterpart: '--counterpart',
  summary: '--summary',
};

/** Runs a service call; a refusal's fields are named as the command's arguments. */
async function flagged<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (!(e instanceof CandorError) || e.issues.length === 0) throw e;
    throw new CandorError(
      e.code,
      e.message,
      e.issues.map((i) => ({ ...i, field: FLAGS[i.field] ?? i.field })),
    );
  }
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function printComment(c: PresentedComment) {
  out(`#${c.id}  ${when(c.created_at)}  ${c.author}`);
  for (const line of c.text.split('\n')) out(`    ${line}`);
  for (const m of c.mentions)
    out(`    ${m.notified ? 'notified' : 'not notified'}: ${m.email}${m.why ? ` (${m.why})` : ''}`);
}

function printEntry(e: PresentedCorrespondence) {
  out(
    `#${e.id}  ${when(e.occurred_at)}  ${e.direction.padEnd(8)}  ${e.channel.padEnd(9)}  ${e.direction === 'sent' ? 'to' : 'from'} ${e.counterpart}${e.document_id !== null ? `  document ${e.document_id}` : ''}`,
  );
  for (const line of e.summary.split('\n')) out(`    ${line}`);
}

export function register(p: Command, setCode: (n: number) => void): void {
  void setCode;
  const request = p.commands.find((c) => c.name() === 'request') ?? p.command('request');

  request
    .command('comment <id> <text>')
    .description(
      'post a comment on a request (internal; immutable); @ana@example.com in the text e-mails that user',
    )
    .action(async (id: string, text: string) => {
      const r = await withContext(({ services, actor }) =>
        flagged(services.comments.post(actor, requestId(id), { text })),
      );
      out(`comment ${r.comment.id} posted on request ${r.comment.request_id}`);
      if (r.notified.length) out(`notified: ${r.notified.join(', ')}`);
      for (const m of r.not_notified) err(`not notified: ${m.email} (${m.why})`);
    });

  request
    .command('comments <id>')
    .description("a request's comments, oldest first")
    .option('--json', 'JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const list = await withContext(({ services, actor }) =>
        services.comments.comments(actor, requestId(id)),
      );
      if (o.json) return out(JSON.stringify({ comments: list }, null, 2));
      if (list.length === 0) return out('no comments');
      list.forEach(printComment);
    });

  const corr = request.command('correspondence').description("a request's correspondence with the agency");
  corr
    .command('add <id>')
    .description('log a letter, e-mail, call... sent to or received from the agency (immutable)')
    .addOption(
      new Option('--direction <direction>', 'sent or received')
        .choices(CORRESPONDENCE_DIRECTIONS)
        .makeOptionMandatory(),
    )
    .requiredOption('--at <instant>', 'when it was sent or received: 2026-11-02T14:00:00Z (or a date)')
    .addOption(
      new Option('--channel <channel>', 'how').choices(CORRESPONDENCE_CHANNELS).makeOptionMandatory(),
    )
    .requiredOption('--counterpart <text>', 'who at the agency, e.g. "SA Jane Roe, FBI Boston"')
    .requiredOption('--summary <text>', 'what it said')
    .option('--document <id>', 'a document already attached to this request (candor document list ID)')
    .action(
      async (
        id: string,
        o: {
          direction: (typeof CORRESPONDENCE_DIRECTIONS)[number];
          at: string;
          channel: (typeof CORRESPONDENCE_CHANNELS)[number];
          counterpart: string;
          summary: string;
          document?: string;
        },
      ) => {
        const e = await withContext(({ services, actor }) =>
          flagged(
            services.comments.recordCorrespondence(actor, requestId(id), {
              direction: o.direction,
              occurred_at: o.at,
              channel: o.channel,
              counterpart: o.counterpart,
              summary: o.summary,
              document_id: o.document,
            }),
          ),
        );
        out(`correspondence ${e.id} logged on request ${e.request_id}`);
      },
    );
  corr
    .command('list <id>')
    .description("a request's correspondence, newest first")
    .option('--json', 'JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const list = await withContext(({ services, actor }) =>
        services.comments.correspondence(actor, requestId(id)),
      );
      if (o.json) return out(JSON.stringify({ correspondence: list }, null, 2));
      if (list.length === 0) return out('no correspondence');
      list.forEach(printEntry);
    });
}
