import path from 'node:path';
import type { Command } from 'commander';
import { withContext } from '../context.ts';
import { CandorError } from '../../errors.ts';
import type { PublishAllStep } from '../../services/publish.ts';
import { out } from '../output.ts';

/** One line per period: what was committed and tagged, or why nothing was. */
const printStep = (repo: string) => (r: PublishAllStep) => {
  if (r.status === 'skipped') out(`${r.period} v${r.version}: already in ${repo}`);
  else if (r.status === 'unchanged')
    out(`${r.period} v${r.version} is already published in ${repo}: nothing changed, no commit made`);
  else
    out(
      `${r.tag ?? `${r.period} v${r.version} (files regenerated)`}: ${r.message.split('\n')[0]}\n  commit ${r.commit.slice(0, 12)}, ${r.changedFiles} files changed${r.pushed ? ', pushed' : ''}`,
    );
};

/** `candor report publish` and `candor site build` (docs/publishing.md). */
export function register(p: Command): void {
  // The reports area adds `report` commands too; whichever registers first creates the group.
  const report =
    p.commands.find((c) => c.name() === 'report') ??
    p.command('report').description('compute, freeze and publish transparency reports');
  report
    .command('publish')
    .description(
      'commit the latest frozen version of a period (or of every period, --all) to a git repository and tag it',
    )
    .option('--period <period>', 'the period, e.g. 2015-H1')
    .option('--all', 'every period the repository does not hold yet, oldest first, one commit and tag each')
    .requiredOption('--repo <path>', 'the git repository (created if missing)')
    .option('--push', 'push each commit and its tag to the remote', false)
    .action(async (o: { period?: string; all?: boolean; repo: string; push: boolean }) => {
      if (!o.period === !o.all) throw new CandorError('invalid', 'give either --period P or --all');
      if (o.all) {
        const steps = await withContext(({ services, actor }) =>
          services.publish.publishAll(actor, { repo: o.repo, push: o.push, onEach: printStep(o.repo) }),
        );
        const made = steps.filter((s) => s.status === 'published').length;
        out(
          `${made} version${made === 1 ? '' : 's'} published, ${steps.length - made} already in ${o.repo}; see: git -C ${o.repo} log --stat`,
        );
        return;
      }
      const period = o.period!;
      const r = await withContext(({ services, actor }) =>
        services.publish.publish(actor, { period, repo: o.repo, push: o.push }),
      );
      printStep(o.repo)(r);
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
