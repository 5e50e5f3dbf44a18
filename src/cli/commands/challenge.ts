import { Option, type Command } from 'commander';
import { CHALLENGE_RESULTS, CHALLENGE_STAGES } from '../../domain/vocabulary.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import { withContext } from '../context.ts';
import { out } from '../output.ts';

/**
 * `candor request challenge <id> --stage S --result R [--filed D] [--decided D] [--court C]`: records one step
 * of a court challenge of a request (docs/workflow.md, "Court challenges"). The input is parsed by the schema
 * the API and the web form use; a refusal names the flag.
 */

const FLAGS: Record<string, string> = {
  stage: '--stage',
  result: '--result',
  filed_at: '--filed',
  decided_at: '--decided',
  court: '--court',
};

export function register(p: Command): void {
  const request = p.commands.find((c) => c.name() === 'request') ?? p.command('request');
  request
    .command('challenge <id>')
    .description('record a step of a court challenge of the request (stage reached and result)')
    .addOption(
      new Option('--stage <stage>', 'the stage reached').choices(CHALLENGE_STAGES).makeOptionMandatory(),
    )
    .addOption(
      new Option('--result <result>', 'the result there').choices(CHALLENGE_RESULTS).makeOptionMandatory(),
    )
    .option('--filed <when>', 'when the motion or appeal was filed')
    .option('--decided <when>', 'when the court decided (none while pending)')
    .option('--court <court>', 'the court')
    .option('--expect-version <n>', 'refuse if the request is no longer at this version')
    .action(
      async (
        id: string,
        o: {
          stage: string;
          result: string;
          filed?: string;
          decided?: string;
          court?: string;
          expectVersion?: string;
        },
      ) => {
        const n = Number(id);
        if (!Number.isInteger(n) || n < 1)
          throw new CandorError('invalid', 'id: expected a positive integer');
        const v = o.expectVersion === undefined ? undefined : Number(o.expectVersion);
        if (v !== undefined && (!Number.isInteger(v) || v < 1))
          throw new CandorError('invalid', '--expect-version: expected a positive integer');
        const { courtChallengeInput, challengeWords } = await import('../../domain/court-challenge.ts');
        const parsed = courtChallengeInput.safeParse({
          stage: o.stage,
          result: o.result,
          filed_at: o.filed,
          decided_at: o.decided,
          court: o.court,
        });
        if (!parsed.success) {
          throw new CandorError(
            'invalid',
            'the court challenge is not valid',
            zodIssues(parsed.error.issues).map((i) => ({ ...i, field: FLAGS[i.field] ?? i.field })),
          );
        }
        await withContext(async ({ services, actor }) => {
          const stepId = await services.workflow.recordChallenge(actor, n, {
            ...parsed.data,
            expectedVersion: v,
          });
          out(`request ${n}: ${challengeWords(parsed.data)} (step ${stepId})`);
        });
      },
    );
}
