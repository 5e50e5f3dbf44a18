import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedPolicy } from '../domain/handling-policy-defaults.ts';
import {
  HANDLING_POLICY_TITLE,
  SECTION_TITLES,
  formatPolicyFile,
  parsePolicyFile,
  resolvePolicy,
  sectionTextProblem,
  type PolicySection,
  type WrittenPolicy,
} from '../domain/handling-policy.ts';
import { textProblem } from '../domain/primitives.ts';
import { HANDLING_POLICY_SECTIONS, type HandlingPolicySection } from '../domain/vocabulary.ts';
import { CandorError } from '../errors.ts';
import type { ReportData } from '../reports/report-data.ts';
import { appendEvent } from '../repositories/audit-repository.ts';
import { authorize, type Actor } from './authorize.ts';
import type { Deps } from './index.ts';

/**
 * The provider's "How we handle requests" policy (docs/reports.md): kept as Markdown in the data directory,
 * so the legal team can also keep it under its own version control; each report version computed takes the
 * text as it is then, and a frozen version keeps it in its data. On PostgreSQL the file lives in the data
 * directory too (CANDOR_DATA_DIR, created on the first save); several app servers must share that directory.
 */

/** The longest section accepted, in characters: a policy, not a manual. */
export const SECTION_MAX_CHARS = 20_000;

export type PolicyInput = Partial<Record<HandlingPolicySection, string>>;

async function readWritten(file: string): Promise<{ written: WrittenPolicy; unknown: string[] }> {
  try {
    return parsePolicyFile(await readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { written: {}, unknown: [] };
    throw e;
  }
}

export function createHandlingPolicyService({ db, config, clock }: Pick<Deps, 'db' | 'config' | 'clock'>) {
  const generated = () =>
    generatedPolicy({ policy: config.policy, nsOption: config.nsOption, foreignNs: config.foreignNs });

  async function sections(): Promise<{ sections: PolicySection[]; unknown: string[] }> {
    const { written, unknown } = await readWritten(config.handlingPolicyFile);
    return { sections: resolvePolicy(written, generated()), unknown };
  }

  return {
    /** The policy as the next report version will carry it (for compute: no actor, it is public text). */
    async forReport(): Promise<NonNullable<ReportData['handling_policy']>> {
      return { title: HANDLING_POLICY_TITLE, sections: (await sections()).sections };
    },

    /** The sections with what the provider wrote and the generated text beside it, for the editing form. */
    async read(actor: Actor) {
      authorize(actor, 'report.read');
      const { written, unknown } = await readWritten(config.handlingPolicyFile);
      const gen = generated();
      return {
        file: config.handlingPolicyFile,
        unknown,
        sections: HANDLING_POLICY_SECTIONS.map((key) => ({
          key,
          title: SECTION_TITLES[key],
          written: written[key] ?? '',
          generated: gen[key],
        })),
      };
    },

    /**
     * Replaces the written sections (an empty section goes back to the generated text). Refused whole, naming
     * each bad section, so a rejected edit changes nothing; the audit event names the sections changed.
     */
    async save(actor: Actor, input: PolicyInput): Promise<{ changed: string[] }> {
      authorize(actor, 'report.policy');
      const issues = HANDLING_POLICY_SECTIONS.flatMap((key) => {
        const text = input[key] ?? '';
        const problem =
          textProblem(text) ??
          sectionTextProblem(text) ??
          (text.length > SECTION_MAX_CHARS ? `at most ${SECTION_MAX_CHARS} characters` : null);
        return problem ? [{ field: key, message: `${SECTION_TITLES[key]}: ${problem}` }] : [];
      });
      if (issues.length) {
        throw new CandorError('invalid', issues.map((i) => i.message).join('; '), issues);
      }
      const next: WrittenPolicy = {};
      for (const key of HANDLING_POLICY_SECTIONS) {
        const text = (input[key] ?? '').replace(/\r\n?/g, '\n').trim();
        if (text) next[key] = text;
      }
      const file = config.handlingPolicyFile;
      const { written: before } = await readWritten(file);
      const changed = HANDLING_POLICY_SECTIONS.filter((k) => (before[k] ?? '') !== (next[k] ?? '')).map(
        (k) => SECTION_TITLES[k],
      );
      if (changed.length === 0) return { changed };
      const bytes = formatPolicyFile(next);
      await db.transaction().execute(async (trx) => {
        await appendEvent(trx, {
          at: clock(),
          actor: actor.label,
          action: 'report.policy_edit',
          entity: 'report_policy',
          entityId: path.basename(file),
          after: { changed },
        });
        // Written before the event commits: a failed write rolls the event back, so the log never claims it.
        await mkdir(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, bytes, 'utf8');
        await rename(tmp, file);
      });
      return { changed };
    },
  };
}
export type HandlingPolicyService = ReturnType<typeof createHandlingPolicyService>;
