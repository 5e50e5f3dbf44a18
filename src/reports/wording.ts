/**
 * The fixed wording every report carries: counting rules (DOMAIN.md §5) and definitions of the terms the
 * tables use. compute.ts copies these into `ReportData` so a later change of wording is itself a visible,
 * versioned change of the report.
 */

export const COUNTING_RULES: readonly string[] = Object.freeze([
  'One legal instrument (subpoena, order, warrant, letter) is one request.',
  'Identifiers (selectors) specified, accounts specified and accounts for which data was produced are counted separately.',
  'A request counts in the period in which it was received.',
  'A request without a response by the last instant of the period is counted as "in process at the end of the period", even if it was answered before this report was computed.',
  'Outcome tables show the outcome recorded when this report was computed; a request with none yet is "open" there and appears with its outcome in a later version of this report.',
  "Preservation extensions are the renewals recorded on the holds of the period's preservation requests.",
  'The headline figures (summary, countries, United States, process types, notice, channels, pushback) count every government request except national-security process.',
  'Requests from private (civil) litigants are not government requests: they are reported in their own table only, never in the headline figures or any other table.',
  'A request brought in from another system with an audited override of a rule Candor enforces today (a history override, with its written reason) is counted like any other, and the report states how many there are.',
  'Emergency, preservation and takedown requests are counted in the headline figures and also reported in their own tables.',
  'Requests for customer information are every request except takedowns (requests to disclose, emergency and preservation requests); with the takedown requests they add up to the headline figures in every country, channel and notice row.',
  'National Security Letters and FISA orders are published only in the bands and reporting windows of 50 U.S.C. 1874 and are never part of an exact figure.',
  'Percentages are fractions of the base named beside them; the integer count is always given.',
  'Any change of a counting rule is listed in the changelog of the report.',
]);

export const DEFINITIONS: ReadonlyArray<{ term: string; text: string }> = Object.freeze([
  {
    term: 'Request',
    text: 'A legal instrument from a government authority asking for customer information.',
  },
  {
    term: 'Identifier',
    text: 'A phone number, account ID, email address, IP address or URL named in a request.',
  },
  {
    term: 'Civil litigant request',
    text: 'A subpoena or other demand from a private party to a lawsuit; the law bars us from giving it the content of communications.',
  },
  {
    term: 'History override',
    text: 'A request brought in from another system that breaks a rule we enforce today, recorded with a written reason and kept in the audit log.',
  },
  {
    term: 'Takedown request',
    text: 'A request to take down or restrict content or an account. It counts in the headline figures, apart from the requests for customer information, and has its own section.',
  },
  { term: 'Account specified', text: 'A distinct customer account identified by a request.' },
  {
    term: 'Account with data produced',
    text: 'An account for which we disclosed any customer information in response to a request.',
  },
  { term: 'In process', text: 'A request without a response by the end of the period.' },
  { term: 'Open', text: 'A request with no outcome recorded when this report was computed.' },
  {
    term: 'Rejected',
    text: 'We declined to produce any data, for example for invalid or overbroad process.',
  },
  {
    term: 'Withdrawn after notice policy',
    text: 'The agency withdrew the request after learning that we notify customers.',
  },
  { term: 'No data', text: 'We found no customer information responsive to the request.' },
  {
    term: 'Non-content',
    text: 'Subscriber and transactional information, such as name, address, billing and call or message logs.',
  },
  { term: 'Content', text: 'What a customer communicated: message bodies, recordings, media and files.' },
  {
    term: 'Emergency request',
    text: 'A request to disclose information without delay because of danger of death or serious physical injury.',
  },
  {
    term: 'Preservation request',
    text: 'A request to keep records pending legal process (18 U.S.C. 2703(f)); nothing is disclosed.',
  },
  {
    term: 'National Security Letter',
    text: 'A demand from the FBI for non-content information in national-security investigations.',
  },
  {
    term: 'FISA order',
    text: 'An order or directive under the Foreign Intelligence Surveillance Act for content or non-content information.',
  },
  {
    term: 'Band',
    text: 'A range such as 0 - 249 within which the true number lies; the law allows national-security figures only as bands.',
  },
]);
