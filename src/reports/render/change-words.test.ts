import { describe, expect, it } from 'vitest';
import { changeLabel, describeChange } from './change-words.ts';

describe('a changed figure in words', () => {
  it('names the country, the process, the outcome and the measure, never the cell path', () => {
    const cases: Array<[string, string, string]> = [
      ['by_country', 'US.outcomes.content_produced', 'United States: content produced'],
      ['by_country', 'IT.accounts_specified', 'Italy: accounts specified'],
      ['summary', 'in_process.count', 'All requests: requests in process at period end'],
      ['process_outcome', 'search_warrant.outcomes.in_process', 'Search warrant: open'],
      ['process_outcome', 'court_order_2703d.requests', '2703(d) court order: requests'],
      ['process_by_country', 'CA.police_force_order.requests', 'Canada, police force order: requests'],
      [
        'response_time',
        'subpoena.emergency.median_hours',
        'Time to respond, subpoena, emergency requests: median hours',
      ],
      ['response_time', 'all.all.p90_hours', 'Time to respond, all legal process: 90th percentile hours'],
      [
        'data_sought',
        'US.search_warrant.content',
        'What was sought: United States, search warrant: requests seeking content',
      ],
      ['us_by_level', 'local.requests', 'United States, local (incl. municipal) government: requests'],
      ['us_by_state', 'US-CA.requests', 'United States, California: requests'],
      [
        'emergency',
        'non_us.accounts_with_data_produced',
        'Emergency requests from other countries: accounts with data produced',
      ],
      ['notice', 'prevented_by_order', 'Customer notice: notice prevented by a non-disclosure order'],
      ['international_channel', 'mlat', 'Requests by channel: mutual legal assistance treaty (MLAT)'],
      ['preservation', 'extensions', 'Preservation requests: extensions'],
      ['takedown', 'outcomes.content_restricted', 'Takedown requests: content restricted'],
      [
        'national_security',
        '2015-H1.combined.requests.high',
        'National security: all national-security process (NSLs and FISA), 2015-H1: requests received (upper bound)',
      ],
      ['national_security', 'publication_date', 'National security: publication date'],
      [
        'dsa',
        'STATEMENT_CATEGORY_SCAMS_AND_FRAUD.EL.orders_to_act',
        'EU Member State orders: Scams and fraud, Greece: orders to act',
      ],
      ['dsa', 'TOTAL.TOTAL.items', 'EU Member State orders: All categories, all Member States: items named'],
      [
        'identifier_kinds',
        'device.accounts_specified',
        'Requests by identifier kind, device: accounts specified',
      ],
      [
        'data_produced',
        'search_warrant.some_data_produced',
        'Some data produced, search warrant: requests with some data produced',
      ],
      ['data_produced', 'DE.with_outcome', 'Some data produced, Germany: requests with a known outcome'],
      ['account_actions', 'accounts_deleted', 'Action on accounts: accounts deleted'],
      ['process_outcome', 'other.outcomes.not_recorded', 'Other: not disclosed / not recorded'],
      ['us_by_level', 'not_recorded.requests', 'United States, not recorded government: requests'],
      ['counting_rules', '3', 'How we count: rule 3'],
      ['some_new_table', 'subpoena.requests', 'Some new table: subpoena, requests'],
    ];
    for (const [table, key, words] of cases) {
      const label = changeLabel(table, key);
      expect(label, `${table} ${key}`).toBe(words);
      expect(label).not.toMatch(/[a-z]_[a-z]|\.[a-z]/);
    }
  });

  it('says the values as people read them', () => {
    expect(
      describeChange({ table: 'by_country', key: 'US.outcomes.content_produced', before: 318, after: 319 }),
    ).toBe('United States: content produced 318 -> 319');
    expect(describeChange({ table: 'summary', key: 'requests.count', before: 1234, after: null })).toBe(
      'All requests: requests received 1,234 -> none',
    );
  });
});
