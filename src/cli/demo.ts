import { generateDemo } from '../domain/demo-data.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { prepareRequest, writeRequests } from '../services/requests.ts';
import { authorize } from '../services/authorize.ts';
import { withContext } from './context.ts';
import { out } from './output.ts';

/** `candor demo`: loads the deterministic synthetic history in one transaction, then says what to try. */
export async function runDemo(seed: number): Promise<void> {
  // Nothing in the future: the demo's last half-year is filled up to today, with the newest requests still open.
  const requests = generateDemo({ seed, now: new Date() });
  const { created, describe } = await withContext(
    async ({ conn, actor }) => {
      authorize(actor, 'request.import');
      const now = new Date();
      let created = 0;
      await conn.db.transaction().execute(async (trx) => {
        const agencies = new Map<string, number>();
        for (let i = 0; i < requests.length; i += 2000) {
          const ids = await writeRequests(
            trx,
            requests.slice(i, i + 2000).map((r) => prepareRequest(r, now)),
            agencies,
          );
          created += ids.size;
        }
        await appendEvent(trx, {
          at: now,
          actor: actor.label,
          action: 'demo.load',
          entity: 'import',
          entityId: `demo-seed-${seed}`,
          after: { seed, requests: requests.length, created },
        });
      });
      return { created, describe: conn.describe };
    },
    { migrate: true },
  );
  out(
    `demo data: ${requests.length} synthetic requests from 2015-H1 to 2026-H2 (${created} new) in the ${describe}`,
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
  out('  npx candor import docs/examples/requests.csv         # the import format, docs/import-format.md');
  out('  npx candor audit verify                              # the hash-chained audit log');
}
