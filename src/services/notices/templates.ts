import { fromDatabaseError } from '../../db/errors.ts';
import type { NoticeTemplateRow } from '../../db/schema.ts';
import type { NoticeKind } from '../../domain/notice-policy.ts';
import { languageTag, templateInput, type TemplateInput } from '../../domain/notice-template.ts';
import { CandorError, zodIssues } from '../../errors.ts';
import { appendEvent } from '../../repositories/audit-repository.ts';
import { listTemplates, upsertTemplate } from '../../repositories/contacts-repository.ts';
import { authorize, type Actor } from '../authorize.ts';
import type { NoticeDeps } from './state.ts';

const presentTemplate = (t: NoticeTemplateRow) => ({
  kind: t.kind,
  language: t.language,
  subject: t.subject,
  body: t.body,
  version: t.version,
  updated_by: t.updated_by,
  updated_at: t.updated_at.toISOString(),
});

/** Notice templates: list, and save one (admins). */
export function templateActions(deps: NoticeDeps) {
  const { db, clock } = deps;
  return {
    /** Every notice template, each kind in each language. */
    async templates(actor: Actor) {
      authorize(actor, 'notice.read');
      return (await listTemplates(db)).map(presentTemplate);
    },

    /** Saves a template (admins); unknown placeholders were refused by `templateInput`. */
    async setTemplate(actor: Actor, kind: NoticeKind, language: string, input: TemplateInput) {
      authorize(actor, 'notice.template');
      const lang = languageTag.safeParse(language);
      if (!lang.success) throw new CandorError('invalid', 'language: expected a BCP 47 tag such as "en"');
      const checked = templateInput.safeParse(input);
      if (!checked.success) {
        throw new CandorError('invalid', 'the template is not valid', zodIssues(checked.error.issues));
      }
      const now = clock();
      const saved = await db
        .transaction()
        .execute(async (trx) => {
          const { before, after } = await upsertTemplate(
            trx,
            kind,
            lang.data,
            checked.data,
            actor.label,
            now,
          );
          await appendEvent(trx, {
            at: now,
            actor: actor.label,
            action: 'notice_template.set',
            entity: 'notice_template',
            entityId: `${kind}/${lang.data}`,
            before: before ? presentTemplate(before) : null,
            after: presentTemplate(after),
          });
          return after;
        })
        .catch((e: unknown) => {
          throw fromDatabaseError(e, 'the template');
        });
      return presentTemplate(saved);
    },
  };
}
