import type { HandlingPolicySection } from '../domain/vocabulary.ts';

/**
 * The standards a transparency report is judged by (DOMAIN.md §7), element by element, and where Candor's
 * report answers each: the one data file behind `candor report standards` and the report's standards annex.
 *
 * Each element says how Candor meets it:
 * - `where`: the parts of the report data that disclose it (`tables.by_country`, `counting_rules`, ...). The
 *   scorecard (scorecard.ts) calls it disclosed only if every part named is present in the report, so a table
 *   taken out of the report makes its elements fall to "not disclosed".
 * - `not_collected`: the report has no figure for it (a policy statement rather than a count, or a breakdown
 *   Candor does not make), with the reason.
 * - `not_applicable`: the element cannot apply to what Candor records, with the reason.
 *
 * Wording: the Ranking Digital Rights elements are the questions as published on the indicator pages of the
 * RDR knowledge center (fetched December 2026). The Santa Clara, OTI toolkit and DSA elements are short
 * paraphrases (`paraphrase: true`), not quotations: read the source for the text.
 */

/** Paths into `ReportData` that can disclose an element (checked against the report schema by a test). */
export type ReportPart =
  | 'period'
  | 'schema_version'
  | 'counting_rules'
  | 'definitions'
  | `tables.${string}`
  /** A section of "How we handle requests" (the provider's words, or the text generated from its policy). */
  | `handling_policy.${HandlingPolicySection}`;

interface ElementBase {
  /** Stable id: the standard's own numbering where it has one (P11a.1), else ours (SCP-S.1). */
  id: string;
  /** The element's question or requirement. */
  text: string;
  /** True when `text` is our short paraphrase, not the standard's wording. */
  paraphrase?: true;
}

export type StandardElement = ElementBase &
  (
    | {
        where: readonly ReportPart[];
        /** What in those parts answers the element, for the reader of the scorecard. */
        note?: string;
        /** When a part named is null rather than absent, what that means (e.g. the DSA did not apply yet). */
        when_null?: { status: 'not_applicable'; reason: string };
      }
    | { not_collected: string }
    | { not_applicable: string }
  );

export interface Standard {
  id: string;
  name: string;
  /** Where the standard and its elements are published. */
  source_url: string;
  elements: readonly StandardElement[];
}

const PERIODIC =
  'Every report covers one half-year, year or range of days; the demo publishes each half-year.';
const STRUCTURED = 'report.json (JSON Schema published with it) and report.csv are structured data files.';
const DSA_NULL = {
  status: 'not_applicable',
  reason: 'The DSA did not apply to the provider in this period (no DSA table).',
} as const;

export const STANDARDS: readonly Standard[] = [
  {
    id: 'RDR-P10a',
    name: 'Ranking Digital Rights P10(a): process for responding to government demands for user information',
    source_url:
      'https://rankingdigitalrights.org/knowledge-center/p10a-process-for-responding-to-government-demands-for-user-information',
    elements: [
      {
        id: 'P10a.1',
        text: 'Does the company clearly disclose its process for responding to non-judicial government demands?',
        where: ['handling_policy.legal_review', 'handling_policy.pushback'],
        note: 'How we handle requests: what each kind of process (subpoenas, administrative demands) may obtain, and when we refuse or narrow it.',
      },
      {
        id: 'P10a.2',
        text: 'Does the company clearly disclose its process for responding to court orders?',
        where: ['handling_policy.legal_review'],
        note: 'How we handle requests, "Legal review": what court orders and warrants may obtain, and who signs off.',
      },
      {
        id: 'P10a.3',
        text: 'Does the company clearly disclose its process for responding to government demands from foreign jurisdictions?',
        where: ['handling_policy.foreign_demands'],
        note: 'How we handle requests, "Demands from other countries": MLAT, executive agreements, e-Evidence.',
      },
      {
        id: 'P10a.4',
        text: 'Do the company’s explanations clearly disclose the legal basis under which it may comply with government demands?',
        where: ['handling_policy.legal_review', 'handling_policy.foreign_demands'],
        note: 'How we handle requests: the statute each kind of process rests on (18 U.S.C. 2702, 2703, 2523, 3512).',
      },
      {
        id: 'P10a.5',
        text: 'Does the company clearly disclose that it carries out due diligence on government demands before deciding how to respond?',
        where: ['handling_policy.legal_review', 'handling_policy.verification'],
        note: 'How we handle requests: legal review of every demand, and how we verify the requester.',
      },
      {
        id: 'P10a.6',
        text: 'Does the company commit to push back on inappropriate or overbroad government demands?',
        where: ['handling_policy.pushback'],
        note: 'How we handle requests, "When we push back".',
      },
      {
        id: 'P10a.7',
        text: 'Does the company provide clear guidance or examples of implementation of its process for government demands?',
        where: ['handling_policy.notice', 'handling_policy.emergency', 'handling_policy.national_security'],
        note: 'How we handle requests: notice, emergency and national-security process, with their time limits.',
      },
    ],
  },
  {
    id: 'RDR-P11a',
    name: 'Ranking Digital Rights P11(a): data about government demands for user information',
    source_url:
      'https://rankingdigitalrights.org/knowledge-center/p11a-data-about-government-demands-for-user-information',
    elements: [
      {
        id: 'P11a.1',
        text: 'Does the company list the number of government demands it receives by country?',
        where: ['tables.by_country', 'tables.data_demands'],
        note: 'Requests for customer information by country (takedowns apart), beside all requests.',
      },
      {
        id: 'P11a.2',
        text: 'Does the company list the number of government demands it receives for stored user information and for real-time communications access?',
        where: ['tables.process_outcome', 'tables.access_mode'],
        note: 'Requests by legal process and access mode: stored records, real-time (prospective) access, or not recorded; wiretap and pen register / trap and trace orders are always real-time.',
      },
      {
        id: 'P11a.3',
        text: 'Does the company list the number of accounts affected?',
        where: ['tables.summary', 'tables.by_country', 'tables.process_outcome'],
        note: 'Accounts specified and accounts with data produced.',
      },
      {
        id: 'P11a.4',
        text: 'Does the company list whether a demand sought communications content or non-content or both?',
        where: ['tables.data_sought'],
      },
      {
        id: 'P11a.5',
        text: 'Does the company identify the specific legal authority or type of legal process through which law enforcement and national security demands are made?',
        where: ['tables.process_outcome', 'tables.national_security'],
      },
      {
        id: 'P11a.6',
        text: 'Does the company include government demands that come from court orders?',
        where: ['tables.process_outcome'],
      },
      {
        id: 'P11a.7',
        text: 'Does the company list the number of government demands it complied with, broken down by category of demand?',
        where: ['tables.process_outcome'],
        note: 'Outcomes (rejected, no data, non-content, content, ...) per legal process type.',
      },
      {
        id: 'P11a.8',
        text: 'Does the company list what types of government demands it is prohibited by law from disclosing?',
        where: ['tables.national_security', 'counting_rules'],
        note: 'National Security Letters and FISA orders, only in the bands of 50 U.S.C. 1874.',
      },
      {
        id: 'P11a.9',
        text: 'Does the company report this data at least once per year?',
        where: ['period'],
        note: PERIODIC,
      },
      {
        id: 'P11a.10',
        text: 'Can the data reported by the company be exported as a structured data file?',
        where: ['schema_version'],
        note: STRUCTURED,
      },
    ],
  },
  {
    id: 'RDR-P11b',
    name: 'Ranking Digital Rights P11(b): data about private requests for user information',
    source_url: 'https://rankingdigitalrights.org/?p=16435',
    elements: [
      {
        id: 'P11b.1',
        text: 'Does the company list the number of requests it receives for user information that come through private processes?',
        where: ['tables.civil_litigants'],
        note: 'Requests from private (civil) litigants. Informal government requests (no legal process) are counted apart, in tables.informal_requests.',
      },
      {
        id: 'P11b.2',
        text: 'Does the company list the number of requests for user information that come through private processes with which it complied?',
        where: ['tables.civil_litigants'],
        note: 'Outcomes and accounts with data produced.',
      },
      {
        id: 'P11b.3',
        text: 'Does the company report this data at least once per year?',
        where: ['period', 'tables.civil_litigants'],
        note: PERIODIC,
      },
      {
        id: 'P11b.4',
        text: 'Can the data reported by the company be exported as a structured data file?',
        where: ['schema_version', 'tables.civil_litigants'],
        note: STRUCTURED,
      },
    ],
  },
  {
    id: 'RDR-P12',
    name: 'Ranking Digital Rights P12: user notification about third-party requests for user information',
    source_url:
      'https://rankingdigitalrights.org/knowledge-center/p12-user-notification-about-third-party-requests-for-user-information',
    elements: [
      {
        id: 'P12.1',
        text: 'Does the company clearly disclose that it notifies users when government entities (including courts or other judicial bodies) demand their user information?',
        where: ['tables.notice'],
        note: 'Notice given per request, and the definition "Withdrawn after notice policy".',
      },
      {
        id: 'P12.2',
        text: 'Does the company clearly disclose that it notifies users when they receive requests for their user information through private processes?',
        not_collected:
          'The civil-litigant table has no notice figures: notice is reported for government requests only.',
      },
      {
        id: 'P12.3',
        text: 'Does the company clearly disclose situations when it might not notify users, including a description of the types of government demands it is prohibited by law from disclosing to users?',
        where: ['tables.notice'],
        note: 'Prevented by a non-disclosure order (of which indefinite), delayed during an emergency, not possible.',
      },
    ],
  },
  {
    id: 'RDR-F5a',
    name: 'Ranking Digital Rights F5(a): process for responding to government demands to restrict content or accounts',
    source_url: 'https://rankingdigitalrights.org/?p=16290',
    elements: [
      {
        id: 'F5a.1',
        text: 'Does the company clearly disclose its process for responding to non-judicial government demands?',
        where: ['handling_policy.content_restriction'],
        note: 'How we handle requests, "Content-restriction demands".',
      },
      {
        id: 'F5a.2',
        text: 'Does the company clearly disclose its process for responding to court orders?',
        where: ['handling_policy.content_restriction', 'handling_policy.legal_review'],
        note: 'How we handle requests: content-restriction demands are reviewed like court orders for data.',
      },
      {
        id: 'F5a.3',
        text: 'Does the company clearly disclose its process for responding to government demands from foreign jurisdictions?',
        where: ['handling_policy.content_restriction', 'handling_policy.foreign_demands'],
        note: 'How we handle requests: DSA orders and other foreign demands.',
      },
      {
        id: 'F5a.4',
        text: 'Do the company’s explanations clearly disclose the legal basis under which it may comply with government demands?',
        where: ['handling_policy.content_restriction', 'tables.takedown.by_country_basis'],
        note: 'How we handle requests, "Content-restriction demands": the law a demand must name; and the legal basis each demand cited (local law or our terms of service), by country and action taken.',
      },
      {
        id: 'F5a.5',
        text: 'Does the company clearly disclose that it carries out due diligence on government demands before deciding how to respond?',
        where: ['handling_policy.content_restriction', 'handling_policy.verification'],
        note: 'How we handle requests: legal review of each restriction demand and how we verify the requester.',
      },
      {
        id: 'F5a.6',
        text: 'Does the company commit to push back on inappropriate or overbroad demands made by governments?',
        where: ['handling_policy.pushback', 'handling_policy.content_restriction'],
        note: 'How we handle requests: we refuse or narrow demands the law does not support.',
      },
      {
        id: 'F5a.7',
        text: 'Does the company provide clear guidance or examples of implementation of its process of responding to government demands?',
        where: ['handling_policy.content_restriction', 'handling_policy.notice'],
        note: 'How we handle requests: time limits for DSA orders and notice to the account holder.',
      },
    ],
  },
  {
    id: 'RDR-F6',
    name: 'Ranking Digital Rights F6: data about government demands to restrict content and accounts',
    source_url:
      'https://rankingdigitalrights.org/knowledge-center/f6-data-about-government-demands-to-restrict-for-content-and-accounts',
    elements: [
      {
        id: 'F6.1',
        text: 'Does the company break out the number of demands it receives by country?',
        where: ['tables.takedown.by_country'],
        note: 'Takedown requests, items and accounts by requesting country.',
      },
      {
        id: 'F6.2',
        text: 'Does the company list the number of accounts affected?',
        where: ['tables.takedown.accounts_specified', 'tables.takedown.accounts_restricted'],
        note: 'Accounts the takedown requests named, and of them the accounts restricted.',
      },
      {
        id: 'F6.3',
        text: 'Does the company list the number of pieces of content or URLs affected?',
        where: ['tables.takedown'],
        note: 'Items of content named in the requests.',
      },
      {
        id: 'F6.4',
        text: 'Does the company list the types of subject matter associated with the demands it receives?',
        where: ['tables.dsa'],
        note: 'By illegal-content category, for orders from EU Member States.',
        when_null: DSA_NULL,
      },
      {
        id: 'F6.5',
        text: 'Does the company list the number of demands that come from different legal authorities?',
        where: ['tables.takedown.by_state_actor', 'tables.takedown.by_country_basis'],
        note: 'By type of state actor (court, law enforcement, regulator, executive, legislature, ...) and by the legal basis cited.',
      },
      {
        id: 'F6.6',
        text: 'Does the company list the number of demands it knowingly receives from government officials to restrict content or accounts through unofficial processes?',
        where: ['tables.informal_requests'],
        note: 'Informal government requests (a referral, a call, a flagging; channel "informal"), counted apart from the headline; those to act on content or an account are the takedown_request row.',
      },
      {
        id: 'F6.7',
        text: 'Does the company list the number of demands with which it complied?',
        where: ['tables.takedown', 'tables.takedown.by_country_basis'],
        note: 'Outcomes of the takedown requests, also by country and legal basis.',
      },
      {
        id: 'F6.8',
        text: 'Does the company publish the original demands or disclose that it provides copies to a public third-party archive?',
        not_collected:
          'Candor publishes aggregates only (no personal data, no case numbers); it sends no copies to an archive.',
      },
      {
        id: 'F6.9',
        text: 'Does the company report this data at least once a year?',
        where: ['period', 'tables.takedown'],
        note: PERIODIC,
      },
      {
        id: 'F6.10',
        text: 'Can the data be exported as a structured data file?',
        where: ['schema_version', 'tables.takedown'],
        note: STRUCTURED,
      },
    ],
  },
  {
    id: 'RDR-F8',
    name: 'Ranking Digital Rights F8: user notification about content and account restriction',
    source_url:
      'https://rankingdigitalrights.org/knowledge-center/f8-user-notification-about-content-and-account-restriction',
    elements: [
      {
        id: 'F8.1',
        text: 'If the company hosts user-generated content, does the company clearly disclose that it notifies users who generated the content when it is restricted?',
        where: ['tables.takedown.notice'],
        note: 'Customer notice per takedown request (given, prevented by an order, not possible, ...), apart from other requests.',
      },
      {
        id: 'F8.2',
        text: 'Does the company clearly disclose that it notifies users who attempt to access content that has been restricted?',
        not_collected:
          "A statement of the provider's policy; Candor records notice to the customer concerned only.",
      },
      {
        id: 'F8.3',
        text: 'In its notification, does the company clearly disclose a reason for the content restriction (legal or otherwise)?',
        not_collected:
          'The wording of a notice is set in the notice templates (docs/notices.md), not reported.',
      },
      {
        id: 'F8.4',
        text: 'Does the company clearly disclose that it notifies users when it restricts their account?',
        where: ['tables.takedown.notice'],
        note: 'Customer notice per takedown request; requests to restrict an account are counted with those to restrict content.',
      },
    ],
  },
  {
    id: 'SCP-S',
    name: 'Santa Clara Principles 2.0: state involvement in content moderation',
    source_url: 'https://santaclaraprinciples.org/',
    elements: [
      {
        id: 'SCP-S.1',
        paraphrase: true,
        text: 'Report the number of demands or requests from state actors to act on content or accounts.',
        where: ['tables.takedown', 'tables.informal_requests'],
        note: 'Takedown requests made with legal process, and informal ones (flaggings, referrals) apart.',
      },
      {
        id: 'SCP-S.2',
        paraphrase: true,
        text: 'Identify the state actor behind the demands (which authority, court or agency).',
        where: ['tables.takedown.by_country', 'tables.takedown.by_state_actor'],
        note: 'By country and by type of state actor (the agency itself is not named); EU Member State orders by Member State (tables.dsa).',
      },
      {
        id: 'SCP-S.3',
        paraphrase: true,
        text: 'Say whether the demand came from a court or judge or from another kind of state actor.',
        where: ['tables.takedown.by_state_actor'],
        note: 'Takedown requests by type of state actor: court or judge, law enforcement, regulator, executive, legislature, ...',
      },
      {
        id: 'SCP-S.4',
        paraphrase: true,
        text: 'Report how many state demands were acted on and how many were not.',
        where: ['tables.takedown'],
        note: 'Outcomes of the takedown requests.',
      },
      {
        id: 'SCP-S.5',
        paraphrase: true,
        text: 'Say whether each demand alleged a breach of the company’s own rules or of local law, and which.',
        where: ['tables.takedown.by_country_basis'],
        note: 'What each demand cited: local law, our terms of service, or neither, by country (the law named is not published).',
      },
      {
        id: 'SCP-S.6',
        paraphrase: true,
        text: 'Say whether the action taken was on the basis of the company’s rules or of local law.',
        not_collected: 'Candor records the outcome of a demand, not the rule the provider acted on.',
      },
      {
        id: 'SCP-S.7',
        paraphrase: true,
        text: 'Tell users when a state actor requested or took part in an action on their content or account.',
        where: ['tables.takedown.notice'],
        note: 'Notice per takedown request, and when an order prevented it.',
      },
    ],
  },
  {
    id: 'SCP-N',
    name: 'Santa Clara Principles 2.0: notice',
    source_url: 'https://santaclaraprinciples.org/',
    elements: [
      {
        id: 'SCP-N.1',
        paraphrase: true,
        text: 'Give notice to each user whose content is removed or whose account is suspended or otherwise actioned.',
        where: ['tables.notice'],
      },
      {
        id: 'SCP-N.2',
        paraphrase: true,
        text: 'In the notice, identify the content concerned (URL, excerpt or other information).',
        not_collected:
          'The wording of a notice is set in the notice templates (docs/notices.md), not reported.',
      },
      {
        id: 'SCP-N.3',
        paraphrase: true,
        text: 'In the notice, name the rule or law the content was found to breach.',
        not_collected:
          'The wording of a notice is set in the notice templates (docs/notices.md), not reported.',
      },
      {
        id: 'SCP-N.4',
        paraphrase: true,
        text: 'In the notice, say how the content was detected, including a demand from a state actor.',
        not_collected:
          'The wording of a notice is set in the notice templates (docs/notices.md), not reported.',
      },
      {
        id: 'SCP-N.5',
        paraphrase: true,
        text: 'In the notice, explain how the user can appeal.',
        not_collected:
          'The wording of a notice is set in the notice templates (docs/notices.md), not reported.',
      },
      {
        id: 'SCP-N.6',
        paraphrase: true,
        text: 'Where the law forbids notice (a gag on a state demand), say so, and give notice when the bar ends.',
        where: ['tables.notice'],
        note: 'Prevented by a non-disclosure order (of which indefinite), and given after an order expired.',
      },
    ],
  },
  {
    id: 'OTI-TRT',
    name: 'OTI / Berkman Klein Transparency Reporting Toolkit (2016)',
    source_url: 'https://cyber.harvard.edu/publications/2016/transparency_memos',
    elements: [
      {
        id: 'OTI.1',
        paraphrase: true,
        text: 'Count requests by type of legal process (subpoena, court order, search warrant, pen register / trap and trace, wiretap, emergency).',
        where: ['tables.process_outcome'],
      },
      {
        id: 'OTI.2',
        paraphrase: true,
        text: 'Count the identifiers (selectors) specified separately from the requests.',
        where: ['tables.summary'],
      },
      {
        id: 'OTI.3',
        paraphrase: true,
        text: 'Count the accounts for which data was produced separately from the accounts specified.',
        where: ['tables.summary', 'tables.process_outcome'],
      },
      {
        id: 'OTI.4',
        paraphrase: true,
        text: 'For each process type, report the outcome: rejected, no data, non-content only, content.',
        where: ['tables.process_outcome', 'tables.pushback'],
        note: 'Outcomes per process type; requests rejected, narrowed, withdrawn and challenged in court (stage and result) in the pushback table.',
      },
      {
        id: 'OTI.5',
        paraphrase: true,
        text: 'Report user notification: sealed (non-disclosure order), not sealed and notice given, not sealed and no notice.',
        where: ['tables.notice'],
      },
      {
        id: 'OTI.6',
        paraphrase: true,
        text: 'Report national-security process in the bands the law allows.',
        where: ['tables.national_security'],
      },
      {
        id: 'OTI.7',
        paraphrase: true,
        text: 'Report emergency requests and preservation requests apart from other requests.',
        where: ['tables.emergency', 'tables.preservation'],
      },
      {
        id: 'OTI.8',
        paraphrase: true,
        text: 'Report requests from foreign governments, by country.',
        where: ['tables.by_country', 'tables.international_channel'],
      },
      {
        id: 'OTI.9',
        paraphrase: true,
        text: 'Define each category of legal process and term used, and state the counting rules.',
        where: ['definitions', 'counting_rules'],
      },
    ],
  },
  {
    id: 'DSA-AI3',
    name: 'EU DSA Art. 15(1)(a): Implementing Regulation (EU) 2024/2835, Annex I Part 3 (Member State orders)',
    source_url: 'https://eur-lex.europa.eu/eli/reg_impl/2024/2835/oj',
    elements: [
      {
        id: 'DSA3.1',
        paraphrase: true,
        text: 'Identify the service, the applicability and the reporting period of the figures.',
        where: ['tables.dsa', 'period'],
        when_null: DSA_NULL,
      },
      {
        id: 'DSA3.2',
        paraphrase: true,
        text: 'Number of orders to act against illegal content received, by type of illegal content.',
        where: ['tables.dsa'],
        when_null: DSA_NULL,
      },
      {
        id: 'DSA3.3',
        paraphrase: true,
        text: 'The same, by issuing Member State.',
        where: ['tables.dsa'],
        when_null: DSA_NULL,
      },
      {
        id: 'DSA3.4',
        paraphrase: true,
        text: 'Number of specific items of information named in the orders to act.',
        where: ['tables.dsa'],
        when_null: DSA_NULL,
      },
      {
        id: 'DSA3.5',
        paraphrase: true,
        text: 'Median time to inform the authority of receipt of an order to act, and median time to give effect to it.',
        where: ['tables.dsa'],
        when_null: DSA_NULL,
      },
      {
        id: 'DSA3.6',
        paraphrase: true,
        text: 'Number of orders to provide information received, by type of illegal content and issuing Member State.',
        where: ['tables.dsa'],
        when_null: DSA_NULL,
      },
      {
        id: 'DSA3.7',
        paraphrase: true,
        text: 'Median time to inform the authority of receipt of an order to provide information, and median time to give effect to it.',
        where: ['tables.dsa'],
        when_null: DSA_NULL,
      },
      {
        id: 'DSA3.8',
        paraphrase: true,
        text: 'For the category "other", a description of what it covers.',
        where: ['tables.dsa'],
        when_null: DSA_NULL,
      },
    ],
  },
];
