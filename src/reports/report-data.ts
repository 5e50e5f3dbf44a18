import { z } from 'zod';
import {
  nationalSecurityTableSchema,
  OPTION_RULES,
  NATIONAL_SECURITY_OPTIONS,
} from '../domain/national-security.ts';
import { foreignNationalSecurityTableSchema } from '../domain/foreign-national-security.ts';
import {
  AGENCY_KINDS,
  LEGAL_CHANNELS,
  DSA_CATEGORIES,
  HANDLING_POLICY_SECTIONS,
  IDENTIFIER_KINDS,
  OUTCOMES,
  PROCESS_TYPES,
  RESTRICTION_BASES,
} from '../domain/vocabulary.ts';
import { scorecardSchema } from './scorecard.ts';
import { accessModeSchema, courtChallengesSchema, informalRequestsSchema } from './process-tables.ts';

/**
 * The data contract of a computed transparency report (`ReportData`, schema version 5).
 *
 * `compute.ts` produces it from the database; every renderer is a pure function of it. The Zod schema
 * below is the single source: the TypeScript type is `z.infer` of it and the published JSON Schema
 * (`schema/transparency-report.v6.json`) is generated from it (`reportJsonSchema()`), so the two cannot
 * drift; a test fails when the committed file is out of date (regenerate with `UPDATE_GOLDEN=1`).
 *
 * Counting rules (DOMAIN.md §5): one legal instrument is one request; identifiers, accounts specified and
 * accounts with data produced are counted separately; a request counts in the period it was received;
 * open requests are "in process". Every table holds aggregates only: no names, identifiers or case numbers.
 */

export const REPORT_SCHEMA_ID = 'https://candor.dev/schema/transparency-report.v6.json';
/** The version `compute` writes; stored versions of versions 1 to 4 still read (docs/reports.md, "Schema versions"). */
export const REPORT_SCHEMA_VERSION = 6;

const count = z.number().int().min(0);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const isoInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/,
    'expected a UTC timestamp like 2015-07-01T00:00:00Z',
  );

/** `{ k: count }` for every value of a vocabulary, in vocabulary order. */
function countsOf<const K extends readonly string[]>(keys: K, describe: (k: K[number]) => string) {
  const shape = Object.fromEntries(keys.map((k) => [k, count.describe(describe(k))])) as {
    [P in K[number]]: typeof count;
  };
  return z.strictObject(shape);
}

export const outcomeCountsSchema = z
  .strictObject({
    ...countsOf(
      OUTCOMES.filter((o) => o !== 'not_recorded'),
      (o) => `Requests closed with outcome "${o}".`,
    ).shape,
    not_recorded: count
      .optional()
      .describe(
        'History whose source did not disclose or record what was done (outcome "not_recorded"): answered, never counted as pushback. Absent from versions frozen before schema version 5.',
      ),
    in_process: count.describe(
      'Requests with no outcome recorded when the report was computed (accurate_as_of): "open".',
    ),
  })
  .describe(
    'Requests by outcome (vocabulary OUTCOMES) plus those still in process; they sum to the requests.',
  );
export type OutcomeCounts = z.infer<typeof outcomeCountsSchema>;

export const SUMMARY_BASES = ['requests', 'identifiers_specified', 'accounts_specified'] as const;

const measure = z
  .strictObject({
    count: count.describe('The integer count.'),
    pct: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .describe('count / base as a fraction in [0, 1]; null when the base is 0.'),
    base: z.enum(SUMMARY_BASES).describe('The summary measure the fraction is taken of.'),
  })
  .describe('An integer count with its share of a stated base.');
export type Measure = z.infer<typeof measure>;

export const REGIONS = ['Americas', 'EMEA', 'APAC', 'Other'] as const;
export type Region = (typeof REGIONS)[number];

const countryRow = z.strictObject({
  region: z.enum(REGIONS),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .describe('ISO 3166-1 alpha-2 code of the requesting authority.'),
  country_name: z.string().min(1),
  requests: count,
  accounts_specified: count,
  outcomes: outcomeCountsSchema,
});

const levelCounts = z.strictObject({ requests: count, accounts_specified: count });

const producedShare = {
  requests: count,
  with_outcome: count.describe(
    'Of them, requests answered with a known outcome (not in process, not "not_recorded"): the base of pct.',
  ),
  some_data_produced: count.describe('Requests answered with non-content or content produced.'),
  pct: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .describe('some_data_produced / with_outcome as a fraction in [0, 1]; null when with_outcome is 0.'),
};

const identifierKindRow = z.strictObject({
  identifier_kind: z
    .enum([...IDENTIFIER_KINDS, 'not_recorded'])
    .describe(
      'The kind of identifier the requests specified (vocabulary IDENTIFIER_KINDS), or not_recorded.',
    ),
  requests: count,
  identifiers_specified: count,
  accounts_specified: count,
});

const processRow = z.strictObject({
  process_type: z.enum(PROCESS_TYPES),
  requests: count,
  accounts_specified: count,
  accounts_with_data_produced: count,
  outcomes: outcomeCountsSchema,
});

const processByCountryRow = z.strictObject({
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .describe('ISO 3166-1 alpha-2 code of the requesting authority.'),
  process_type: z.enum(PROCESS_TYPES),
  requests: count,
});

const dataSoughtRow = z.strictObject({
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .describe('ISO 3166-1 alpha-2 code of the requesting authority.'),
  process_type: z.enum(PROCESS_TYPES),
  requests: count,
  content: count.describe('Requests that sought the content of communications (whatever else they sought).'),
  non_content: count.describe(
    'Requests that sought non-content records beyond basic subscriber information, and no content.',
  ),
  basic_subscriber: count.describe('Requests that sought basic subscriber information only.'),
  nothing: count.describe('Requests that sought no data (preservation, takedown, or none recorded).'),
});

const responseTimeRow = z.strictObject({
  process_type: z
    .enum(PROCESS_TYPES)
    .nullable()
    .describe('The legal process type, or null for every process type together.'),
  emergency: z
    .boolean()
    .nullable()
    .describe('Emergency requests (true), the others (false), or null for both together.'),
  requests: count.describe('Requests received in the period (of this process type and kind).'),
  responded: count.describe('Of them, requests with a recorded response time.'),
  median_hours: z
    .number()
    .min(0)
    .nullable()
    .describe('Median hours from receipt to response; null when none responded.'),
  p90_hours: z
    .number()
    .min(0)
    .nullable()
    .describe('90th percentile of the hours from receipt to response; null when none responded.'),
});

const emergencyPart = z.strictObject({
  requests: count,
  accounts_specified: count,
  accounts_with_data_produced: count,
  outcomes: outcomeCountsSchema,
});

const noticeSchema = z.strictObject({
  given: count.describe('Requests where the customer was notified (incl. given_after_order_expired).'),
  prevented_by_order: count.describe('Notice prohibited by a non-disclosure order.'),
  of_which_indefinite: count.describe('Of prevented_by_order: orders with no end date.'),
  delayed_emergency: count.describe('Notice delayed while an emergency lasts.'),
  not_possible: count.describe('No usable contact for the customer.'),
  given_after_order_expired: count.describe('Of given: notice sent after an order expired or was lifted.'),
  not_applicable: count.describe('No customer account concerned or no data sought.'),
  pending: count.describe('Notice decision still open at the end of the period.'),
  not_recorded: count
    .optional()
    .describe(
      'History whose source did not record the notice (notice status "not_recorded"); never pending. Absent from versions frozen before schema version 5.',
    ),
});

const channelCounts = (of: string) =>
  countsOf(LEGAL_CHANNELS, (c) => `${of} received through channel "${c}".`);

const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/)
  .describe('ISO 3166-1 alpha-2 code of the requesting authority.');

/**
 * Data demands (schema version 5): every headline request except takedowns (requests to disclose, emergency
 * and preservation requests), the figures a reader compares with providers that publish takedowns apart.
 * With the takedown table's breakdowns, data demands + takedowns = all headline requests, row by row.
 */
const dataDemandsSchema = z
  .strictObject({
    by_country: z
      .array(z.strictObject({ country: countryCode, requests: count }))
      .describe('Data demands by requesting country, in the order of by_country (countries with any).'),
    international_channel: channelCounts('Data demands'),
    notice: noticeSchema.describe('Customer notice for data demands, counted per request.'),
  })
  .describe(
    'Requests for customer information alone: every headline request except takedowns (disclosure, emergency and preservation requests). Their total is summary.data_demands. Absent from versions frozen before schema version 5.',
  );

const hours = z.number().min(0).nullable();

export const DSA_SCOPE_TOTAL = 'TOTAL';

export const dsaRowSchema = z
  .strictObject({
    category: z
      .union([z.literal('TOTAL'), z.enum(DSA_CATEGORIES)])
      .describe('TOTAL (all categories) or a STATEMENT_CATEGORY_* of Annex I Part 2.'),
    keyword: z
      .string()
      .regex(/^KEYWORD_[A-Z_]+$/)
      .nullable()
      .describe('A KEYWORD_* sub-category of `category`, or null for the category itself.'),
    other_description: z
      .string()
      .nullable()
      .describe('For KEYWORD_OTHER: the provider\'s description of the sub-category "Other".'),
    scope: z
      .string()
      .regex(/^(TOTAL|[A-Z]{2})$/)
      .describe('TOTAL or the issuing Member State (Eurostat two-letter code, e.g. EL for Greece).'),
    orders_to_act: count
      .nullable()
      .describe('Art. 9 (and similar) orders to act against illegal content received.'),
    items: count.nullable().describe('Specific items of information named in those orders.'),
    median_hours_to_acknowledge: hours.describe(
      'Median hours from delivery to informing the authority of receipt.',
    ),
    median_hours_to_effect: hours.describe('Median hours from delivery to giving effect to the order.'),
    orders_to_provide_information: count.nullable().describe('Art. 10 (and similar) orders received.'),
    median_hours_to_acknowledge_information: hours,
    median_hours_to_effect_information: hours,
  })
  .describe('One row of DSA Annex I Part 3; null where the figure cannot apply (Annex II: left blank).');
export type DsaRow = z.infer<typeof dsaRowSchema>;

export const dsaTableSchema = z
  .strictObject({
    applicability: z.string().describe('Annex I column A, e.g. "All".'),
    publication_date: isoDate
      .optional()
      .describe('Annex I Part 1 "Date of the publication of the report", fixed when the version was frozen.'),
    previous_publication_date: isoDate
      .nullable()
      .optional()
      .describe(
        'Annex I Part 1 "Date of the publication of the latest previous report" (any period), fixed when the version was frozen; null for a first report.',
      ),
    service: z.string().describe('Annex I column B: the name of the service.'),
    member_states: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .describe('Member States from which at least one order was received; each gets its own rows.'),
    rows: z
      .array(dsaRowSchema)
      .describe('Rows with data; a missing row means 0 where the obligation applies.'),
  })
  .describe(
    'EU DSA Art. 15(1)(a): Member State orders (Implementing Regulation (EU) 2024/2835, Annex I Part 3).',
  );
export type DsaTable = z.infer<typeof dsaTableSchema>;

const changeValue = z.union([z.number(), z.string(), z.null()]);

export const reportDataSchema = z
  .strictObject({
    schema_version: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6)])
      .describe(
        'Version of this format: 6 since December 2026 (see docs/reports.md, "Schema versions"); versions frozen earlier say 1 to 5.',
      ),
    provider: z.strictObject({
      name: z.string().min(1).describe('The provider publishing the report.'),
      service: z.string().min(1).optional().describe('The service the report covers, when not all of them.'),
    }),
    period: z
      .strictObject({
        id: z
          .string()
          .regex(/^(\d{4}(-H[12])?|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$/)
          .describe('2015-H1, 2015, or 2015-01-01..2015-03-31.'),
        start: isoDate.describe('First day of the period (inclusive).'),
        end: isoDate.describe('Last day of the period (inclusive).'),
        partial: z
          .strictObject({
            through: isoDate.describe('The last day the figures can cover: the period had not ended.'),
            reason: z.string().min(1).describe('Why the report was frozen before the period ended.'),
          })
          .optional()
          .describe('Present only when a report was frozen before its period ended (--allow-partial).'),
      })
      .describe('The reporting period; a request counts in the period in which it was received.'),
    generated_at: isoInstant.describe('When this version was computed (UTC).'),
    accurate_as_of: isoInstant.describe('The state of the record the figures reflect (UTC).'),
    version: z.strictObject({
      number: z.number().int().min(1).describe('1 for the first publication; +1 for each correction.'),
      status: z.enum(['draft', 'frozen']).describe('frozen once published; a frozen version never changes.'),
      updated: z.boolean().describe('True when this version corrects an earlier published one.'),
      changelog: z
        .array(
          z.strictObject({
            version: z.number().int().min(1),
            date: isoDate,
            what: z.string().min(1).describe('What changed.'),
            why: z.string().min(1).describe('Why it changed.'),
            method: z.string().min(1).describe('How the new figures were obtained.'),
          }),
        )
        .describe('Every published version, oldest first (DSA Annex II: reason, method and date).'),
    }),
    audit_head: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable()
      .describe('SHA-256 head of the hash-chained audit log when the report was computed.'),
    tables: z.strictObject({
      summary: z
        .strictObject({
          requests: measure,
          identifiers_specified: measure,
          accounts_specified: measure,
          accounts_with_data_produced: measure,
          in_process: measure.describe('Requests without a response by the last instant of the period.'),
          data_demands: measure
            .optional()
            .describe(
              'Of the requests, those for customer information (every request but takedowns); absent before schema version 5.',
            ),
        })
        .describe(
          'Headline figures: every request except national-security process (emergency, preservation and takedown requests included).',
        ),
      by_country: z
        .array(countryRow)
        .describe(
          'Requests by requesting country: US first, then regions (Americas, EMEA, APAC, Other) and countries by name.',
        ),
      us_by_level: z
        .strictObject({
          federal: levelCounts,
          state: levelCounts,
          local: levelCounts.describe('Local, including municipal.'),
          other: levelCounts,
          not_recorded: levelCounts
            .optional()
            .describe(
              'History whose source did not record the level (never counted as other). Absent from versions frozen before schema version 5.',
            ),
        })
        .describe('US requests by level of government.'),
      us_by_state: z
        .array(
          z.strictObject({
            subdivision: z
              .string()
              .regex(/^US-[A-Z0-9]{1,3}$/)
              .describe('ISO 3166-2 code, e.g. US-CA.'),
            name: z.string().min(1),
            requests: count,
          }),
        )
        .describe('US state and local requests by state, ordered by code.'),
      process_outcome: z
        .array(processRow)
        .describe('Requests by legal process type (vocabulary order) and outcome.'),
      process_by_country: z
        .array(processByCountryRow)
        .optional()
        .describe(
          "Requests by country and legal process type: rows with requests only, countries in the order of by_country, process types in vocabulary order. A country's rows sum to its by_country requests, a process type's to its process_outcome requests. Absent from versions frozen before schema version 3.",
        ),
      data_sought: z
        .array(dataSoughtRow)
        .optional()
        .describe(
          'What the requests sought (not what we produced), by country and legal process type, each request by the broadest kind of data it sought: content, else other non-content records, else basic subscriber information only, else nothing. The same rows as process_by_country; in each, content + non_content + basic_subscriber + nothing = requests. Absent from versions frozen before schema version 3.',
        ),
      response_time: z
        .array(responseTimeRow)
        .optional()
        .describe(
          'How long we took to respond, for every request of the headline (not only DSA orders): per process type (vocabulary order) for both kinds together, then emergency and not, then every process type together (process_type null). Hours from receipt to the recorded response (percentile_cont); requests without a response time are counted in requests, not in responded. Absent from versions frozen before schema version 3.',
        ),
      identifier_kinds: z
        .array(identifierKindRow)
        .optional()
        .describe(
          'Requests by the kind of identifier they specified (as Apple reports device, financial-identifier and account requests), kinds in vocabulary order then not_recorded, rows with requests only; they sum to the headline requests. Identifiers and distinct accounts are counted per row. Absent from versions frozen before schema version 5.',
        ),
      data_produced: z
        .strictObject({
          by_process_type: z.array(z.strictObject({ process_type: z.enum(PROCESS_TYPES), ...producedShare })),
          by_country: z.array(
            z.strictObject({
              country: z
                .string()
                .regex(/^[A-Z]{2}$/)
                .describe('ISO 3166-1 alpha-2 code of the requesting authority.'),
              ...producedShare,
            }),
          ),
        })
        .optional()
        .describe(
          "The percentage of requests where some data was produced, per legal process type (order of process_outcome) and per country (order of by_country, over requests for customer information: data_demands, no takedowns, since schema version 6; version 5 counted a country's takedowns in its base), as Google and Apple publish it, with its integer counts. Absent from versions frozen before schema version 5.",
        ),
      account_actions: z
        .strictObject({
          accounts_restricted: count.describe(
            'Distinct accounts restricted (suspended or limited), not deleted.',
          ),
          accounts_deleted: count.describe('Distinct accounts deleted.'),
        })
        .optional()
        .describe(
          'What was done to accounts, deletion apart from restriction (per-account results). Absent from versions frozen before schema version 5.',
        ),
      emergency: z
        .strictObject({ us: emergencyPart, non_us: emergencyPart })
        .describe('Emergency disclosure requests (18 U.S.C. 2702(b)(8), (c)(4) and foreign equivalents).'),
      preservation: z
        .strictObject({
          requests: count,
          extensions: count.describe('Renewals recorded on the holds of these requests (2703(f)(2)).'),
          accounts_preserved: count,
        })
        .describe('Record preservation requests; a hold is not a disclosure.'),
      takedown: z
        .strictObject({
          requests: count,
          items: count.describe(
            'Items of content named in the requests: per request, the items it counted, or else the identifiers it named.',
          ),
          outcomes: outcomeCountsSchema,
          accounts_specified: count
            .optional()
            .describe('Distinct accounts the takedown requests named (schema version 5).'),
          accounts_restricted: count
            .optional()
            .describe('Of them, accounts on which content or the account was restricted (schema version 5).'),
          by_country: z
            .array(
              z.strictObject({
                country: countryCode,
                requests: count,
                items: count,
                accounts_specified: count,
              }),
            )
            .optional()
            .describe(
              'Takedown requests by requesting country, in the order of by_country (countries with any; schema version 5).',
            ),
          international_channel: channelCounts('Takedown requests')
            .optional()
            .describe('Takedown requests by legal channel (schema version 5).'),
          by_country_basis: z
            .array(
              z.strictObject({
                country: countryCode,
                restriction_basis: z
                  .enum([...RESTRICTION_BASES, 'not_recorded'])
                  .describe(
                    "What the demand cited: local law, the provider's own terms of service, neither (not_stated), or not recorded. The law named is never published.",
                  ),
                requests: count,
                items: count,
                accounts_specified: count,
                outcomes: outcomeCountsSchema,
              }),
            )
            .optional()
            .describe(
              'Takedown requests by requesting country (order of by_country) and legal basis (vocabulary order, then not_recorded), rows with requests only, with items, distinct accounts and outcomes; per country they sum to by_country. Absent before schema version 6.',
            ),
          by_state_actor: z
            .array(
              z.strictObject({
                state_actor: z
                  .enum(AGENCY_KINDS)
                  .describe('The kind of the demanding agency: a court, or another kind of state actor.'),
                requests: count,
                items: count,
                accounts_specified: count,
                outcomes: outcomeCountsSchema,
              }),
            )
            .optional()
            .describe(
              'Takedown requests by the type of state actor that made them (Santa Clara Principles), kinds in vocabulary order, rows with requests only; they sum to requests. Absent before schema version 6.',
            ),
          notice: noticeSchema
            .optional()
            .describe('Customer notice for takedown requests, counted per request (schema version 5).'),
        })
        .describe(
          'Requests to take down or restrict content or an account. With data_demands, its by_country, international_channel and notice complete the headline tables row by row.',
        ),
      data_demands: dataDemandsSchema.optional(),
      notice: noticeSchema.describe('Did we tell our customers? Counted per request.'),
      international_channel: countsOf(
        LEGAL_CHANNELS,
        (c) => `Requests received through channel "${c}".`,
      ).describe(
        'Requests by legal channel (domestic, MLAT, letter rogatory, CLOUD Act executive agreement, EU e-Evidence, DSA).',
      ),
      pushback: z
        .strictObject({
          rejected: count,
          narrowed: count,
          withdrawn: count,
          withdrawn_after_notice_policy: count.describe(
            'Withdrawn after the agency learned of the notice policy.',
          ),
          court_challenges: courtChallengesSchema.optional(),
        })
        .describe('Requests we pushed back on.'),
      informal_requests: informalRequestsSchema.optional(),
      access_mode: accessModeSchema.optional(),
      civil_litigants: z
        .strictObject({
          requests: count,
          identifiers_specified: count,
          accounts_specified: count,
          accounts_with_data_produced: count,
          in_process: count.describe('Requests without a response by the last instant of the period.'),
          outcomes: outcomeCountsSchema,
        })
        .optional()
        .describe(
          'Requests from private (civil) litigants: not government requests, so counted here only and never in the headline or any other table. Absent from versions frozen before it was reported.',
        ),
      history_overrides: z
        .strictObject({
          requests: count.describe(
            'Requests of this report (headline or civil litigant) brought in from another system with an audited override of a rule Candor enforces today.',
          ),
        })
        .optional()
        .describe(
          'History recorded against a rule of the policy gate, with a written reason per row. Absent from versions frozen before it was reported.',
        ),
      national_security: nationalSecurityTableSchema
        .nullable()
        .describe('Statutory bands only; null when the provider does not publish national-security figures.'),
      foreign_national_security: foreignNationalSecurityTableSchema
        .optional()
        .describe(
          'Foreign national-security orders (e.g. UK Investigatory Powers Act warrants) in bands per jurisdiction, for the jurisdictions the provider reports (CANDOR_FOREIGN_NS); absent when it reports none, and from versions frozen before schema version 5. Never counted in national_security or any exact table.',
        ),
      dsa: dsaTableSchema.nullable().describe('null when DSA Art. 15 does not apply to the provider.'),
      changes: z
        .array(
          z.strictObject({
            table: z.string().min(1),
            key: z.string().min(1).describe('Path of the cell within the table, e.g. "CA.requests".'),
            before: changeValue,
            after: changeValue,
          }),
        )
        .describe('Cells that changed since the previous version of this report (empty for version 1).'),
    }),
    definitions: z.array(z.strictObject({ term: z.string().min(1), text: z.string().min(1) })),
    counting_rules: z.array(z.string().min(1)),
    handling_policy: z
      .strictObject({
        title: z.string().min(1).describe('The section\'s heading: "How we handle requests".'),
        sections: z.array(
          z.strictObject({
            key: z.enum(HANDLING_POLICY_SECTIONS).describe('Stable key of the section (vocabulary order).'),
            title: z.string().min(1),
            text: z
              .string()
              .min(1)
              .describe('The section as Markdown (no raw HTML is ever rendered from it).'),
            generated: z
              .boolean()
              .describe(
                "True when the provider has not written the section: the text is generated from what Candor's configured policy engine enforces.",
              ),
          }),
        ),
      })
      .optional()
      .describe(
        "The provider's own words on how it handles requests (legal review, pushback, verification, notice, emergencies, foreign and national-security process, content restriction), as of when this version was computed; frozen with it. Absent from versions frozen before schema version 6 carried it.",
      ),
    standards: scorecardSchema
      .optional()
      .describe(
        'Annex: the standards scorecard of this report (src/reports/standards.ts), computed from the data above. Absent from versions frozen before schema version 4.',
      ),
  })
  .describe('A transparency report on government requests for customer information, computed by Candor.');

export type ReportData = z.infer<typeof reportDataSchema>;
export type ReportTables = ReportData['tables'];
export type CountryRow = ReportTables['by_country'][number];
export type ProcessRow = ReportTables['process_outcome'][number];

/**
 * The `data_produced` table from the outcome tables (as compute writes it): the share of requests where some
 * data was produced, of those answered with a known outcome (open requests and history whose outcome was not
 * disclosed or recorded are left out of the base). `by_country` is over requests for customer information
 * alone (data demands, no takedowns): a takedown produces no data, and a country that sent only takedowns
 * would read as 0% (compute passes the data demands of each country, with their outcomes).
 */
export function dataProducedOf(t: {
  process_outcome: ReportTables['process_outcome'];
  by_country: ReadonlyArray<Pick<CountryRow, 'country' | 'requests' | 'outcomes'>>;
}) {
  const share = (requests: number, o: OutcomeCounts) => {
    const withOutcome = requests - o.in_process - (o.not_recorded ?? 0);
    const produced = o.non_content_produced + o.content_produced;
    return {
      requests,
      with_outcome: withOutcome,
      some_data_produced: produced,
      pct: withOutcome === 0 ? null : produced / withOutcome,
    };
  };
  return {
    by_process_type: t.process_outcome.map((p) => ({
      process_type: p.process_type,
      ...share(p.requests, p.outcomes),
    })),
    by_country: t.by_country.map((c) => ({ country: c.country, ...share(c.requests, c.outcomes) })),
  };
}

/** The JSON Schema (2020-12) of `ReportData`, as committed in `schema/transparency-report.v6.json`. */
export function reportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(reportDataSchema, { target: 'draft-2020-12', io: 'output' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  const tables = (rest.properties as Record<string, { properties: Record<string, { anyOf: object[] }> }>)
    .tables!;
  const ns = tables.properties.national_security!.anyOf[0] as Record<string, unknown>;
  ns.allOf = bandRules();
  return {
    $schema,
    $id: REPORT_SCHEMA_ID,
    title: 'Candor transparency report, version 5',
    ...rest,
  };
}

/**
 * What JSON Schema can say of 50 U.S.C. 1874 bands beyond their shape: each option has its statutory width,
 * and every band of that width starts at a multiple of it (0, 250, 500, ... under (a)(3)) and ends no lower
 * than width - 1. (That the band ends exactly at low + width - 1 relates two values, which JSON Schema cannot
 * express; the Zod schema checks it.)
 */
function bandRules(): object[] {
  const band = (w: number) => ({
    type: 'object',
    properties: {
      low: { type: 'integer', multipleOf: w },
      high: { type: 'integer', minimum: w - 1 },
    },
  });
  return NATIONAL_SECURITY_OPTIONS.map((option) => {
    const w = OPTION_RULES[option].bandWidth;
    return {
      if: { type: 'object', properties: { option: { const: option } }, required: ['option'] },
      then: {
        type: 'object',
        properties: {
          band_width: { const: w },
          entries: {
            type: 'array',
            items: { type: 'object', properties: { requests: band(w), selectors: band(w) } },
          },
        },
      },
    };
  });
}
