import type { ForeignNsConfig } from './foreign-national-security.ts';
import { OPTION_RULES, type NationalSecurityOption } from './national-security.ts';
import type { PolicyConfig } from './policy-config.ts';
import type { HandlingPolicySection } from './vocabulary.ts';

/**
 * The default text of each "How we handle requests" section, generated from what the configured policy engine
 * enforces (policy-config.ts, CANDOR_NS_OPTION, CANDOR_FOREIGN_NS): a change of configuration changes the
 * text, so a section the provider has not written is never out of step with the code.
 */

export interface PolicyEngine {
  policy: PolicyConfig;
  nsOption: NationalSecurityOption;
  foreignNs: ForeignNsConfig;
}

const words = (key: string) => key.replace(/_/g, ' ').replace(/\b2703d\b/, '2703(d)');
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;

const OUTCOME_WORDS: Record<string, string> = {
  non_content_produced: 'we disclose records about their account',
  content_produced: 'we disclose the content of their communications',
  content_restricted: 'we restrict their content or account',
};

function legalReview({ policy }: PolicyEngine): string {
  const signOff = policy.signOff.requiredFor;
  const law =
    policy.jurisdiction.subjectTo === 'us_sca'
      ? 'We are subject to the Stored Communications Act: its limits on disclosure (18 U.S.C. 2702) bind us, and no one in our team can override them.'
      : 'We apply the limits of the Stored Communications Act as our own policy; an approver may depart from them only with a written reason, which is kept in the audit log.';
  return [
    'Every demand is read by our legal team before we disclose anything. We give each kind of legal process only what the law lets it compel (18 U.S.C. 2703): a subpoena, basic subscriber information; a 2703(d) court order, other non-content records; the content of communications only with a search warrant or a wiretap order.',
    law,
    signOff.length
      ? `An attorney signs off in writing before we produce data in answer to a ${list(signOff.map(words))}.`
      : 'Our configuration requires no attorney sign-off by kind of process: the handler produces data after legal review, and an emergency disclosure needs a second person’s approval.',
    `We aim to answer most legal process within ${plural(policy.response.byProcessType.subpoena ?? 14, 'day')} and a search warrant within ${plural(policy.response.byProcessType.search_warrant ?? 10, 'day')}, unless the process names another return date. A preservation request (18 U.S.C. 2703(f)) only preserves records, for ${plural(policy.preservation.days, 'day')}, renewable ${policy.preservation.maxExtensions === 1 ? 'once' : `${policy.preservation.maxExtensions} times`} by ${plural(policy.preservation.extensionDays, 'day')}; it discloses nothing.`,
  ].join('\n\n');
}

function pushback({ policy }: PolicyEngine): string {
  const civil = policy.compel.civilSubpoenaMax;
  const civilText =
    civil === 'none'
      ? 'nothing'
      : civil === 'basic_subscriber'
        ? 'basic subscriber information at most'
        : 'non-content records at most';
  return [
    'We refuse or narrow a demand that asks for more than its legal process may compel, that is not properly served, or that names accounts it does not justify. Process we do not recognise obtains basic subscriber information only until our legal review says otherwise.',
    `A subpoena from a private (civil) litigant obtains ${civilText}, and never content (18 U.S.C. 2702(a)); we treat it as the customer's matter and count it apart from government demands.`,
    `We ask the government to justify a non-disclosure order with no end date every ${plural(policy.ndo.reviewIntervalDays, 'day')}, and we flag for challenge an order longer than ${plural(policy.ndo.dojPolicyMaxDays, 'day')} (the Department of Justice's own policy limit).`,
  ].join('\n\n');
}

function verification(e: PolicyEngine): string {
  return [
    'We disclose in an emergency only when the requester states in writing that there is a danger of death or serious physical injury, a member of our team has called the agency back on a number we found ourselves (never one taken from the request), and a second person with approval powers has approved.',
    `A preservation request from a foreign authority is not a request from a US governmental entity; we ${e.policy.preservation.foreign === 'honour' ? 'preserve voluntarily, on the same terms as a US request' : 'decline it, and preserve only on a request made through US legal process'}.`,
  ].join('\n\n');
}

function notice({ policy }: PolicyEngine): string {
  const when = policy.notice.notifyOutcomes.map((o) => OUTCOME_WORDS[o] ?? words(o));
  const exempt = policy.notice.exemptProcessTypes;
  return [
    `We notify customers when ${list(when) || 'we act on a demand'}, unless a court order under 18 U.S.C. 2705(b), the non-disclosure requirement of a national security letter (18 U.S.C. 2709(c)) or a FISA order forbids it; when such an order ends, we send the notice it held back.`,
    `A notice sent before we disclose asks the customer to act (seek advice, move to quash) by ${plural(policy.notice.actByDaysBeforeProduction, 'day')} before our response is due.`,
    exempt.length
      ? `We give no notice of a ${list(exempt.map(words))}: notice follows the legal process that comes after it.`
      : '',
    `After an emergency disclosure, notice waits until the emergency has passed, and at most ${plural(policy.emergency.noticeDelayDays, 'day')}.`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

function emergency({ policy }: PolicyEngine): string {
  return [
    `An emergency request compels nothing. We may disclose voluntarily to a US governmental entity when we believe in good faith that there is a danger of death or serious physical injury (18 U.S.C. 2702(b)(8), (c)(4)), after the checks in "How we verify the requester". We aim to answer within ${plural(policy.response.emergencyHours, 'hour')}.`,
    `We expect the legal process for an emergency disclosure to follow within ${plural(policy.emergency.followUpDays, 'day')}, and report how many did. A European Production Order in an emergency is answered within ${plural(policy.response.euEvidenceEmergencyHours, 'hour')} (Regulation (EU) 2023/1543 Art. 10(4)).`,
  ].join('\n\n');
}

function foreignDemands({ policy }: PolicyEngine): string {
  const agreements = Object.entries(policy.cloudAct.executiveAgreements).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return [
    'A foreign police or national-security order compels nothing under US law. We give a foreign authority basic subscriber information at most by policy, and content only through a mutual legal assistance request (18 U.S.C. 3512) or an executive agreement under 18 U.S.C. 2523.',
    agreements.length
      ? `Executive agreements we apply: ${list(agreements.map(([c, d]) => `${c} (in force since ${d})`))}. We may move to quash or modify an order under such an agreement within ${plural(policy.cloudAct.motionToQuashDays, 'day')} of service (18 U.S.C. 2703(h)(2)).`
      : 'We apply no executive agreement under 18 U.S.C. 2523.',
    `A European Production Order Certificate is answered within ${plural(policy.response.euEvidenceDays, 'day')} (Regulation (EU) 2023/1543 Art. 10(3)); a European Preservation Order holds data for ${plural(policy.euPreservation.days, 'day')}.`,
  ].join('\n\n');
}

function nationalSecurity({ nsOption, foreignNs }: PolicyEngine): string {
  const rule = OPTION_RULES[nsOption];
  const reported = Object.entries(foreignNs)
    .filter(([, r]) => r.mode === 'banded')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, r]) => `${c} (bands of ${r.mode === 'banded' ? r.width : 0})`);
  return [
    `National security letters and orders under the Foreign Intelligence Surveillance Act are reviewed by counsel like any other process. We report them only as the law allows (${rule.statute}): in bands of ${rule.bandWidth}, ${rule.frequency === 'annual' ? 'once a year' : 'every half-year'}, ${rule.structure === 'combined' ? 'all national-security process combined' : 'each kind of process separately'}. They never appear in any exact figure of this report.`,
    reported.length
      ? `Foreign national-security orders are reported in bands for ${list(reported)}; we do not report those of other jurisdictions.`
      : 'We do not report orders of other states’ intelligence and security services.',
    'A national security letter compels subscriber information and toll billing records only, never content (18 U.S.C. 2709(a)).',
  ].join('\n\n');
}

function contentRestriction({ policy }: PolicyEngine): string {
  const notified = policy.notice.notifyOutcomes.includes('content_restricted');
  return [
    `A government demand to take down or restrict content or an account is reviewed by our legal team like a demand for data: we act on it when it names the law it relies on and that law reaches the content, and we refuse or narrow it otherwise. It compels no disclosure of customer data. We aim to answer within ${plural(policy.response.byProcessType.takedown_request ?? 7, 'day')}.`,
    `An order under the EU Digital Services Act is acknowledged and given effect without undue delay: within ${plural(policy.response.dsaArt9Hours, 'hour')} for an order to act against illegal content (Art. 9) and ${plural(policy.response.dsaArt10Hours, 'hour')} for an order to provide information (Art. 10).`,
    notified
      ? 'We tell the account holder when we restrict their content or account, unless an order forbids it.'
      : 'We do not notify the account holder when we restrict content on a government demand.',
  ].join('\n\n');
}

const GENERATORS: Record<HandlingPolicySection, (e: PolicyEngine) => string> = {
  legal_review: legalReview,
  pushback,
  verification,
  notice,
  emergency,
  foreign_demands: foreignDemands,
  national_security: nationalSecurity,
  content_restriction: contentRestriction,
};

/** The generated text of every section for this configuration. */
export function generatedPolicy(e: PolicyEngine): Record<HandlingPolicySection, string> {
  return Object.fromEntries(Object.entries(GENERATORS).map(([k, g]) => [k, g(e)])) as Record<
    HandlingPolicySection,
    string
  >;
}
