import { DSA_KEYWORDS_BY_CATEGORY } from '../../domain/dsa-keywords.ts';
import { DSA_CATEGORIES, NOTICE_STATUSES, OUTCOMES } from '../../domain/vocabulary.ts';
import { type Errors, type Form, Input, Select, TextArea } from '../forms.tsx';
import type { Html } from '../../html/jsx-runtime.ts';
import { fieldLabel } from '../labels.ts';

/**
 * The new-request form's folded section for a request recorded after it was answered: the outcome, the EU
 * fields (DSA category and sub-category, items, timings) and notes. Open when any of them holds a value or an
 * error, so a refused field is never hidden.
 */
export function AnsweredSection(props: { f: Form; errors: Errors }): Html {
  const { f, errors: e } = props;
  return (
    <details
      class="card"
      open={[
        'outcome',
        'responded_at',
        'notice_status',
        'items_of_information',
        'dsa_category',
        'dsa_keyword',
        'dsa_keyword_other',
        'acknowledged_at',
        'effect_given_at',
        'data_location',
        'notes',
      ].some((k) => f.get(k) !== '' || e.for(k).length > 0)}
    >
      <summary>Outcome, EU fields and notes (for requests already answered)</summary>
      <div class="grid">
        <Select
          name="outcome"
          label="Outcome"
          options={OUTCOMES}
          value={f.get('outcome')}
          empty="Not answered yet"
          errors={e}
        />
        <Input
          name="responded_at"
          label="Responded (UTC)"
          type="datetime-local"
          value={f.get('responded_at')}
          errors={e}
        />
        <Select
          name="notice_status"
          label="Customer notice"
          options={NOTICE_STATUSES}
          value={f.get('notice_status')}
          empty="Decided by the notice policy"
          errors={e}
        />
        <Input
          name="data_location"
          label="Data location"
          value={f.get('data_location')}
          hint="Country code where the data is held."
          errors={e}
        />
        <Input
          name="items_of_information"
          label="Items of information"
          type="number"
          value={f.get('items_of_information')}
          hint="DSA: items of content concerned."
          errors={e}
        />
        <Select
          name="dsa_category"
          label="DSA category"
          options={DSA_CATEGORIES}
          value={f.get('dsa_category')}
          empty="—"
          errors={e}
        />
        <Select
          name="dsa_keyword"
          label={fieldLabel('dsa_keyword')}
          options={[]}
          groups={DSA_KEYWORDS_BY_CATEGORY}
          value={f.get('dsa_keyword')}
          empty="—"
          hint="One of the chosen DSA category's sub-categories."
          errors={e}
        />
        <Input
          name="dsa_keyword_other"
          label={fieldLabel('dsa_keyword_other')}
          value={f.get('dsa_keyword_other')}
          hint="For the sub-category Other: what it holds (published in the DSA files)."
          errors={e}
        />
        <Input
          name="acknowledged_at"
          label="Acknowledged (UTC)"
          type="datetime-local"
          value={f.get('acknowledged_at')}
          errors={e}
        />
        <Input
          name="effect_given_at"
          label="Effect given (UTC)"
          type="datetime-local"
          value={f.get('effect_given_at')}
          errors={e}
        />
      </div>
      <TextArea name="notes" label="Notes" value={f.get('notes')} errors={e} rows={4} wide />
    </details>
  );
}
