import { RESULT_WORDS, STAGE_WORDS } from '../../domain/court-challenge.ts';
import { CHALLENGE_RESULTS, CHALLENGE_STAGES } from '../../domain/vocabulary.ts';
import type { Html } from '../../html/jsx-runtime.ts';
import { when } from '../labels.ts';
import { ActionForm, state, type Props } from './request-forms.tsx';

/**
 * The court challenge of a request (issue 16.2): the steps recorded so far, and the form that records the next
 * (stage reached, dates, result). The form posts to /requests/:id/challenges, parsed by the schema the API and
 * the CLI use; a refused step is shown again with the errors beside its fields.
 */
export function ChallengeForm(props: { p: Props }): Html {
  const { p } = props;
  const { v, e } = state(p, 'challenge');
  const steps = p.r.court_challenges;
  const last = steps[steps.length - 1];
  return (
    <ActionForm
      p={p}
      name="challenge"
      path="challenges"
      title={
        last
          ? `Court challenge: ${STAGE_WORDS[last.stage]}, ${RESULT_WORDS[last.result]}`
          : 'Record a court challenge'
      }
      button="Record step"
    >
      {(f) => (
        <>
          {steps.length > 0 && (
            <ol class="wide">
              {steps.map((s) => (
                <li>
                  {STAGE_WORDS[s.stage]}: {RESULT_WORDS[s.result]}
                  {s.filed_at ? `, filed ${when(s.filed_at)}` : ''}
                  {s.decided_at ? `, decided ${when(s.decided_at)}` : ''}
                  {s.court ? ` (${s.court})` : ''}
                </li>
              ))}
            </ol>
          )}
          <f.Select
            name="stage"
            label="Stage reached"
            options={CHALLENGE_STAGES}
            labelOf={(s) => STAGE_WORDS[s as keyof typeof STAGE_WORDS]}
            value={v.get('stage')}
            empty="Choose a stage"
            errors={e}
          />
          <f.Select
            name="result"
            label="Result"
            options={CHALLENGE_RESULTS}
            labelOf={(r) => RESULT_WORDS[r as keyof typeof RESULT_WORDS]}
            value={v.get('result')}
            empty="Choose a result"
            errors={e}
          />
          <f.Input name="filed_at" label="Filed" type="date" value={v.get('filed_at')} errors={e} />
          <f.Input
            name="decided_at"
            label="Decided"
            type="date"
            value={v.get('decided_at')}
            hint="Empty while the challenge is pending."
            errors={e}
          />
          <f.Input name="court" label="Court" value={v.get('court')} errors={e} />
        </>
      )}
    </ActionForm>
  );
}
