import path from 'node:path';
import type { Command } from 'commander';
import { withContext } from '../context.ts';
import { out } from '../output.ts';

/** `candor report publish` and `candor site build` (docs/publishing.md). */
export function register(p: Command): void {
  // The reports area adds `report` commands too; whichever registers first creates the group.
  const report =
    p.commands.find((c) => c.name() === 'report') ??
    p.command('report').description('compute, freeze and publish transparency reports');
  report
    .command('publish')
    .description('commit the latest frozen version of a period to a git repository and tag it')
    .requiredOption('--period <period>', 'the period, e.g. 2015-H1')
    .requiredOption('--repo <path>', 'the git repository (created if missing)')
    .option('--push', 'push the commit and its tag to the remote', false)
    .action(async (o: { period: string; repo: string; push: boolean }) => {
      const r = await withContext(({ services, actor }) =>
        services.publish.publish(actor, { period: o.period, repo: o.repo, push: o.push }),
      );
      if (r.status === 'unchanged') {
        out(`${o.period} v${r.version} is already published in ${o.repo}: nothing changed, no commit made`);
        return;
      }
      out(r.message.split('\n')[0]);
      out(`commit ${r.commit}${r.tag ? `, tag ${r.tag}` : ''}; ${r.changedFiles} files changed`);
      if (r.pushed) out('pushed');
    });

  const site = p.command('site').description('the static transparency site');
  site
    .command('build')
    .description('write the static site (every frozen period, trends, downloads, feed) to a folder')
    .requiredOption('--out <dir>', 'the folder to write to')
    .action(async (o: { out: string }) => {
      const r = await withContext(({ services, actor }) => services.publish.buildSite(actor, o.out));
      out(`wrote ${r.files} files for ${r.periods} periods; open ${path.join(o.out, 'index.html')}`);
    });
}
