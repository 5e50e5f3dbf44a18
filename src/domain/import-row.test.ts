import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IMPORT_COLUMNS, requestToRow, rowToRequest, type RowError } from './import-row.ts';
import { requestInput, type RequestInput, type ValidRequest } from './request-input.ts';
import {
  ACCESS_MODES,
  CHALLENGE_RESULTS,
  CHALLENGE_STAGES,
  AGENCY_KINDS,
  AGENCY_LEVELS,
  CASE_CLASSES,
  CHANNELS,
  DATA_SOUGHT,
  DELIVERY_METHODS,
  DEMAND_KINDS,
  DSA_CATEGORIES,
  NDO_AUTHORITIES,
  NOTICE_STATUSES,
  OUTCOMES,
  IDENTIFIER_KINDS,
  ACCOUNT_RESULTS,
  PROCESS_TYPES,
  REQUESTER_CLASSES,
} from './vocabulary.ts';

/** A complete, valid CSV-style row (all strings). */
const csvRow = (over: Record<string, string> = {}): Record<string, string> => ({
  external_ref: 'GJ-2015-17',
  received_at: '2015-03-02T15:04:05Z',
  delivered_via: 'email',
  agency_name: 'Federal Bureau of Investigation',
  agency_kind: 'law_enforcement',
  agency_level: 'federal',
  country: 'us',
  subdivision: '',
  issuer: 'Federal grand jury, S.D.N.Y.',
  requester_class: 'government',
  channel: 'domestic',
  process_type: 'grand_jury_subpoena',
  legal_authority: '18 U.S.C. 2703(c)(2)',
  case_class: 'criminal',
  emergency: '',
  emergency_basis: '',
  demand_kind: 'disclose',
  data_sought: 'basic_subscriber',
  accounts: 'AC0123456789abcdef0123456789abcdef',
  identifiers: '+14155550123|AC0123456789abcdef0123456789abcdef; +14155550199',
  items_of_information: '',
  dsa_category: '',
  acknowledged_at: '',
  effect_given_at: '',
  outcome: 'non_content_produced',
  responded_at: '2015-03-10',
  notice_status: 'prohibited_by_order',
  ndo_authority: 'sca_2705b',
  ndo_issuing_court: 'U.S. District Court, S.D.N.Y.',
  ndo_issued_at: '2015-02-27',
  ndo_expires_at: '2016-02-27',
  ndo_ground: 'jeopardize',
  data_location: 'US',
  notes: '',
  ...over,
});

const errorsOf = (record: Record<string, unknown>, line = 7): RowError[] => {
  const res = rowToRequest(record, line);
  if (res.ok) throw new Error('expected the row to be refused');
  return res.errors;
};
const valueOf = (record: Record<string, unknown>): ValidRequest => {
  const res = rowToRequest(record, 1);
  if (!res.ok) throw new Error(`expected the row to be accepted: ${JSON.stringify(res.errors)}`);
  return res.value;
};

describe('rowToRequest', () => {
  it('builds the nested request from a flat CSV row', () => {
    const v = valueOf(csvRow());
    expect(v.agency).toEqual({
      name: 'Federal Bureau of Investigation',
      kind: 'law_enforcement',
      level: 'federal',
      country: 'US',
    });
    expect(v.received_at).toBe('2015-03-02T15:04:05.000Z');
    expect(v.emergency).toBe(false);
    expect(v.identifiers).toEqual([
      { value: '+14155550123', account: 'AC0123456789abcdef0123456789abcdef' },
      { value: '+14155550199' },
    ]);
    expect(v.ndo).toEqual({
      authority: 'sca_2705b',
      issuing_court: 'U.S. District Court, S.D.N.Y.',
      issued_at: '2015-02-27T00:00:00.000Z',
      expires_at: '2016-02-27T00:00:00.000Z',
      ground: 'jeopardize',
    });
    expect(v.agency.subdivision).toBeUndefined();
  });

  it('reads a JSON Lines record with numbers, booleans and arrays', () => {
    const v = valueOf({
      ...csvRow({ notice_status: 'sent', ndo_expires_at: 'indefinite', ndo_authority: 'nsl_2709c' }),
      emergency: true,
      emergency_basis: 'Threat to life',
      items_of_information: 3,
      data_sought: ['basic_subscriber', 'non_content'],
      accounts: [],
      identifiers: ['+14155550123|ACx', 'user@example.com'],
      external_ref: 12345,
    });
    expect(v.emergency).toBe(true);
    expect(v.items_of_information).toBe(3);
    expect(v.data_sought).toEqual(['basic_subscriber', 'non_content']);
    expect(v.accounts).toEqual([]);
    expect(v.identifiers[1]).toEqual({ value: 'user@example.com' });
    expect(v.external_ref).toBe('12345');
    expect(v.ndo?.expires_at).toBeNull();
  });

  it('treats empty and blank cells as absent and lets the schema defaults apply', () => {
    const v = valueOf(
      csvRow({
        requester_class: '',
        channel: ' ',
        accounts: '',
        identifiers: '',
        notice_status: '',
        ndo_authority: '',
        ndo_issuing_court: '',
        ndo_issued_at: '',
        ndo_expires_at: '',
        ndo_ground: '',
      }),
    );
    expect(v.requester_class).toBe('government');
    expect(v.channel).toBe('domestic');
    expect(v.accounts).toEqual([]);
    expect(v.ndo).toBeUndefined();
  });

  it.each([
    ['true', true],
    ['YES', true],
    ['1', true],
    ['false', false],
    ['no', false],
    ['0', false],
    ['', false],
  ])('reads emergency %j as %s', (cell, expected) => {
    expect(valueOf(csvRow({ emergency: cell })).emergency).toBe(expected);
  });

  it('names the flat column, the value and the allowed values of a bad enum', () => {
    expect(errorsOf(csvRow({ agency_kind: 'police' }))).toEqual([
      {
        line: 7,
        column: 'agency_kind',
        value: 'police',
        expected: 'one of: law_enforcement, court, regulator, intelligence, executive, legislature, other',
      },
    ]);
  });

  it('reports every error of the row at once', () => {
    const errors = errorsOf(
      csvRow({
        received_at: '2015-02-30x',
        agency_level: 'galactic',
        country: 'USA',
        process_type: 'letter',
        data_sought: 'basic_subscriber;everything',
        emergency: 'maybe',
        items_of_information: '-2',
      }),
    );
    expect(errors.map((e) => e.column).sort()).toEqual(
      [
        'agency_level',
        'country',
        'data_sought',
        'emergency',
        'items_of_information',
        'process_type',
        'received_at',
      ].sort(),
    );
    expect(errors.find((e) => e.column === 'data_sought')?.value).toBe('everything');
    expect(errors.find((e) => e.column === 'received_at')?.expected).toMatch(/ISO 8601/);
    expect(errors.find((e) => e.column === 'emergency')?.expected).toMatch(/true, false, yes, no, 1, 0/);
    expect(errors.every((e) => e.line === 7)).toBe(true);
  });

  it('reports cross-field rules together with field errors', () => {
    expect(
      errorsOf(
        csvRow({ received_at: 'soon', country: '', responded_at: '2015-01-01', subdivision: 'US-CA' }),
      ).map((e) => e.column),
    ).toEqual(['received_at', 'country']); // stand-ins for failed required cells trip no rule themselves
    const errors = errorsOf(csvRow({ agency_kind: 'police', responded_at: '2015-01-01' }));
    expect(errors.map((e) => [e.column, e.expected])).toEqual([
      [
        'agency_kind',
        'one of: law_enforcement, court, regulator, intelligence, executive, legislature, other',
      ],
      ['responded_at', 'must not be before received_at'],
    ]);
  });

  it('maps nested rules to their flat columns', () => {
    const errors = errorsOf(csvRow({ subdivision: 'DE-BY', ndo_expires_at: '2015-01-01' }));
    expect(errors.map((e) => e.column)).toEqual(['subdivision', 'ndo_expires_at']); // in column order
    expect(errors[0]?.expected).toBe('expected a subdivision of US (US-...)'.replace(/^expected /, ''));
  });

  it('names a required column that is missing or empty', () => {
    const row = csvRow({ external_ref: '' });
    delete (row as Partial<typeof row>).process_type;
    const errors = errorsOf(row);
    expect(errors).toContainEqual({
      line: 7,
      column: 'external_ref',
      value: '',
      expected: 'a value (required)',
    });
    expect(errors.find((e) => e.column === 'process_type')?.expected).toMatch(
      /^a value \(required\), one of: civil_investigative_demand, /,
    );
  });

  it('names unknown columns, with a hint for near misses', () => {
    const errors = errorsOf({ ...csvRow(), Agency_Kind: 'court', colour: 'blue' });
    expect(errors).toEqual([
      {
        line: 7,
        column: 'Agency_Kind',
        value: 'court',
        expected: 'no such column; did you mean agency_kind?',
      },
      {
        line: 7,
        column: 'colour',
        value: 'blue',
        expected: 'no such column; the columns are listed in docs/import-format.md',
      },
    ]);
  });

  it('requires ndo_expires_at when other ndo_* columns are given', () => {
    const errors = errorsOf(csvRow({ ndo_expires_at: '', notice_status: 'sent' }));
    expect(errors).toEqual([
      {
        line: 7,
        column: 'ndo_expires_at',
        value: '',
        expected:
          'a date, timestamp or "indefinite" when ndo_authority, ndo_issuing_court, ndo_issued_at, ndo_ground are given',
      },
    ]);
  });

  it('asks for ndo_expires_at when notice is prohibited by an order that is not there', () => {
    const row = csvRow({ ndo_authority: '', ndo_issuing_court: '', ndo_issued_at: '', ndo_ground: '' });
    const errors = errorsOf({ ...row, ndo_expires_at: '' });
    expect(errors).toEqual([
      {
        line: 7,
        column: 'ndo_expires_at',
        value: '',
        expected: 'a non-disclosure order is required when notice_status is prohibited_by_order',
      },
    ]);
  });

  it('refuses a malformed identifier and names the item', () => {
    const errors = errorsOf(csvRow({ identifiers: '+14155550123|AC1|AC2;|ACx;ok' }));
    expect(errors.map((e) => e.value)).toEqual(['+14155550123|AC1|AC2', '|ACx']);
    expect(errors.every((e) => e.column === 'identifiers')).toBe(true);
  });

  it('refuses values of the wrong shape in JSON Lines', () => {
    const errors = errorsOf({
      ...csvRow(),
      agency_name: { text: 'FBI' },
      items_of_information: 1.5,
      data_sought: [1],
      emergency: 'sometimes',
    });
    expect(errors.map((e) => [e.column, e.expected])).toEqual([
      ['agency_name', 'a single value (text, number or boolean)'],
      ['emergency', 'one of: true, false, yes, no, 1, 0 (empty = false)'],
      ['data_sought', 'one of: basic_subscriber, non_content, content'],
      ['items_of_information', 'a whole number'],
    ]);
  });

  it('refuses text that is too long and cuts the shown value to 80 characters', () => {
    const errors = errorsOf(csvRow({ agency_name: 'x'.repeat(301) }));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.expected).toBe('at most 300 characters');
    expect(errors[0]?.value).toHaveLength(80);
    expect(errors[0]?.value.endsWith('…')).toBe(true);
  });

  it('refuses a category named twice and a duplicate-free list is fine', () => {
    expect(errorsOf(csvRow({ data_sought: 'content;content' }))[0]).toMatchObject({
      column: 'data_sought',
      expected: 'lists a category twice',
    });
  });
});

describe('requestToRow', () => {
  it('writes every column, in order', () => {
    const row = requestToRow(valueOf(csvRow()));
    expect(Object.keys(row)).toEqual([...IMPORT_COLUMNS]);
    expect(row.identifiers).toBe('+14155550123|AC0123456789abcdef0123456789abcdef;+14155550199');
    expect(row.emergency).toBe('false');
  });

  it('refuses list items the flat format cannot carry', () => {
    const v = valueOf(csvRow());
    expect(() => requestToRow({ ...v, accounts: ['a;b'] })).toThrow(RangeError);
    expect(() => requestToRow({ ...v, identifiers: [{ value: 'a|b' }] })).toThrow(RangeError);
  });
});

// ---- round trip ----------------------------------------------------------------------------------------

/** Text without the list separators, as the flat format requires for list items. */
const word = fc.stringMatching(/^[A-Za-z0-9+@.:/_-][A-Za-z0-9 +@.:/_-]{0,20}$/);
const anyText = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' });
const instantArb = fc
  .date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

const requestArb: fc.Arbitrary<RequestInput> = fc
  .record(
    {
      external_ref: word,
      received_at: instantArb,
      delivered_via: opt(pick(DELIVERY_METHODS)),
      agency: fc.record(
        {
          name: anyText,
          kind: pick(AGENCY_KINDS),
          level: pick(AGENCY_LEVELS),
          country: pick(['US', 'DE', 'CA']),
          subdivision: opt(pick(['CA', 'NY', 'BY'])),
        },
        { requiredKeys: ['name', 'kind', 'level', 'country'] },
      ),
      issuer: opt(anyText),
      requester_class: pick(REQUESTER_CLASSES),
      channel: pick(CHANNELS),
      process_type: pick(PROCESS_TYPES),
      legal_authority: opt(anyText),
      case_class: opt(pick(CASE_CLASSES)),
      emergency: fc.boolean(),
      emergency_basis: opt(anyText),
      demand_kind: opt(pick(DEMAND_KINDS)),
      data_sought: fc.subarray([...DATA_SOUGHT]),
      accounts: fc.array(word, { maxLength: 3 }),
      identifiers: fc.array(fc.record({ value: word, account: opt(word) }, { requiredKeys: ['value'] }), {
        maxLength: 3,
      }),
      identifier_kind: opt(pick(IDENTIFIER_KINDS)),
      items_of_information: opt(fc.nat()),
      dsa_category: opt(pick(DSA_CATEGORIES)),
      acknowledged_at: opt(instantArb),
      effect_given_at: opt(instantArb),
      outcome: opt(pick(OUTCOMES)),
      responded_at: opt(instantArb),
      notice_status: opt(pick(NOTICE_STATUSES)),
      ndo: opt(
        fc.record(
          {
            authority: pick(NDO_AUTHORITIES),
            issuing_court: opt(anyText),
            issued_at: opt(instantArb),
            expires_at: fc.option(instantArb, { nil: null }),
            ground: opt(
              pick(['endanger_life', 'flight', 'evidence', 'witnesses', 'jeopardize', 'other'] as const),
            ),
          },
          { requiredKeys: ['expires_at'] },
        ),
      ),
      data_location: opt(pick(['US', 'IE'])),
      access_mode: opt(pick(ACCESS_MODES)),
      court_challenge: opt(
        fc.record(
          {
            stage: pick(CHALLENGE_STAGES),
            result: pick(CHALLENGE_RESULTS),
            filed_at: opt(instantArb),
            decided_at: opt(instantArb),
          },
          { requiredKeys: ['stage', 'result'] },
        ),
      ),
      notes: opt(fc.string({ maxLength: 60, unit: 'binary' })),
    },
    { requiredKeys: ['external_ref', 'received_at', 'agency', 'process_type'] },
  )
  .chain((r) =>
    // Per-account results name an account the request names (the schema refuses any other).
    fc
      .option(pick(ACCOUNT_RESULTS), { nil: undefined })
      .map((result): RequestInput =>
        result && r.accounts?.[0] && r.outcome
          ? { ...r, account_results: [{ account: r.accounts[0], result }] }
          : r,
      ),
  );

/** Absent, null and blank notes all export as an empty cell and so come back as absent. */
function canonical(v: ValidRequest): unknown {
  return JSON.parse(
    JSON.stringify(v, (key, value: unknown) => {
      if (value === null && key !== 'expires_at') return undefined;
      if (key === 'notes' && typeof value === 'string' && value.trim() === '') return undefined;
      return value;
    }),
  );
}

describe('round trip', () => {
  it('rowToRequest(requestToRow(v)) gives v back', () => {
    fc.assert(
      fc.property(requestArb, (input) => {
        const parsed = requestInput.safeParse(
          input.agency.subdivision
            ? {
                ...input,
                agency: {
                  ...input.agency,
                  subdivision: `${input.agency.country}-${input.agency.subdivision}`,
                },
              }
            : input,
        );
        fc.pre(parsed.success);
        if (!parsed.success) return;
        const row = requestToRow(parsed.data);
        const back = rowToRequest(row, 1);
        expect(back).toEqual({ ok: true, value: canonical(parsed.data) });
        if (back.ok) expect(requestToRow(back.value)).toEqual(row);
      }),
      { numRuns: 300 },
    );
  });
});

describe('docs/import-format.md', () => {
  const doc = readFileSync(new URL('../../docs/import-format.md', import.meta.url), 'utf8');
  const block = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc)?.[1] ?? '';

  it('lists exactly the import columns, in order', () => {
    const listed = [...doc.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...IMPORT_COLUMNS]);
  });

  it('has examples that import cleanly', () => {
    const records = parse(block('csv'), { columns: true, bom: true }) as Record<string, string>[];
    const lines = block('jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(3);
    expect(lines).toHaveLength(2);
    for (const [i, record] of [...records, ...lines].entries())
      expect(rowToRequest(record, i + 1)).toMatchObject({ ok: true });
  });
});

describe('history columns', () => {
  const base = {
    external_ref: 'H-1',
    received_at: '2014-07-01',
    agency_name: 'Agency',
    agency_kind: 'law_enforcement',
    agency_level: 'not_recorded',
    country: 'DE',
    process_type: 'preservation_request',
  };

  it('reads identifier_kind and account|result items', () => {
    const r = rowToRequest(
      {
        ...base,
        identifier_kind: 'device',
        accounts: 'A1;A2',
        account_results: 'A2|no_data',
        outcome: 'preserved',
      },
      2,
    );
    expect(r).toMatchObject({
      ok: true,
      value: { identifier_kind: 'device', account_results: [{ account: 'A2', result: 'no_data' }] },
    });
  });

  it('refuses a malformed item, an unknown result and an account the row does not name, by column', () => {
    for (const [cell, expected] of [
      ['A1', 'account|result items (one |, both sides non-empty)'],
      ['A1|kept', 'one of: produced, preserved, restricted, deleted, no_data, not_produced'],
      [
        'A9|preserved',
        "names an account the request does not (list it in accounts or as an identifier's account)",
      ],
    ] as const) {
      const r = rowToRequest({ ...base, accounts: 'A1', account_results: cell, outcome: 'preserved' }, 7);
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.errors).toContainEqual({ line: 7, column: 'account_results', value: cell, expected });
    }
    const kind = rowToRequest({ ...base, identifier_kind: 'passport' }, 3);
    expect(kind.ok).toBe(false);
    if (!kind.ok)
      expect(kind.errors[0]).toMatchObject({ line: 3, column: 'identifier_kind', value: 'passport' });
  });
});
