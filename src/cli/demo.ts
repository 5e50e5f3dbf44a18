import { generateDemo, periodOf } from '../demo/index.ts';
import { authorize } from '../services/authorize.ts';
import { loadDemo } from '../services/demo.ts';
import { withContext } from './context.ts';
import { out } from './output.ts';

/** `candor demo`: loads the deterministic synthetic history in one transaction, then says what to try. */
export async function runDemo(seed: number): Promise<void> {
  // Nothing in the future: the demo's last half-year is filled up to today, with the newest requests still open,
  // and everything that fell due before today's next hours done, as a team that kept up would have it.
  const now = new Date();
  let requests: ReturnType<typeof generateDemo> = [];
  const { created, contacts, describe } = await withContext(
    async ({ conn, actor, config }) => {
      requests = generateDemo({ seed, now, keptUp: config.policy });
      authorize(actor, 'request.import');
      const loaded = await conn.db
        .transaction()
        .execute((trx) => loadDemo(trx, requests, { seed, actor: actor.label, now, policy: config.policy }));
      return { ...loaded, describe: conn.describe };
    },
    { migrate: true },
  );
  out(
    `demo data: ${requests.length} synthetic requests from 2015-H1 to ${periodOf(requests[requests.length - 1]!.received_at)} (${created} new) in the ${describe}, with ${contacts} customer contacts`,
  );
  out('');
  out('Try next:');
  out('  npx candor user add you@example.com --role admin     # prints an API token');
  out(
    '  npx candor serve                                     # then: curl -H "Authorization: Bearer TOKEN" \\',
  );
  out(
    '                                                       #   http://127.0.0.1:3000/api/v1/requests?limit=5',
  );
  const tip = (cmd: string, note: string) => out(`  ${cmd.padEnd(53)}# ${note}`);
  tip('npx candor report build --period 2015-H1', 'the first report, as text');
  tip('npx candor report freeze --all-complete', 'freeze every half-year that has ended');
  tip('npx candor report publish --all --repo ./public', 'one git commit and tag per report');
  tip('npx candor site build --out ./site', 'the static transparency site');
  out('  npx candor import docs/examples/requests.csv         # the import format, docs/import-format.md');
  out('  npx candor audit verify                              # the hash-chained audit log');
}
