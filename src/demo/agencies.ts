import { type AgencyKind, type AgencyLevel, DSA_CATEGORIES } from '../domain/vocabulary.ts';
import { AU_AGREEMENT, DAY, DSA_APPLIES, type Period, UK_AGREEMENT } from './calendar.ts';
import type { Rng } from './rng.ts';

/**
 * Twilio's report for 2015-01-01 .. 2015-06-30, which the first demo half-year reproduces. These are the
 * headline figures: every request except national-security process (emergency, preservation and takedown
 * requests included). The half-year's NSLs and FISA orders come on top of them, with accounts of their own,
 * since a report publishes those only in bands.
 */
export const TWILIO_2015_H1 = {
  requests: 268,
  accounts: 118,
  us: 222,
  international: { CA: 22, AT: 1, BH: 1, BE: 4, FR: 1, DE: 1, IT: 3, NO: 2, PT: 1, CH: 4, AU: 4, JP: 2 },
} as const;

// ---- who asks --------------------------------------------------------------------------------------------

export interface Agency {
  name: string;
  kind: AgencyKind;
  level: AgencyLevel;
  subdivision?: string;
}

export const US_FEDERAL: Agency[] = [
  { name: 'Federal Bureau of Investigation', kind: 'law_enforcement', level: 'federal' },
  { name: 'Drug Enforcement Administration', kind: 'law_enforcement', level: 'federal' },
  { name: 'Homeland Security Investigations', kind: 'law_enforcement', level: 'federal' },
  { name: 'United States Secret Service', kind: 'law_enforcement', level: 'federal' },
  { name: 'IRS Criminal Investigation', kind: 'law_enforcement', level: 'federal' },
  { name: 'United States Postal Inspection Service', kind: 'law_enforcement', level: 'federal' },
  { name: 'United States Marshals Service', kind: 'law_enforcement', level: 'federal' },
  {
    name: "U.S. Attorney's Office, Southern District of New York",
    kind: 'law_enforcement',
    level: 'federal',
  },
];
export const US_REGULATORS: Agency[] = [
  { name: 'Federal Trade Commission', kind: 'regulator', level: 'federal' },
  { name: 'Securities and Exchange Commission', kind: 'regulator', level: 'federal' },
  { name: 'Washington State Attorney General', kind: 'regulator', level: 'state', subdivision: 'US-WA' },
  { name: 'Massachusetts Attorney General', kind: 'regulator', level: 'state', subdivision: 'US-MA' },
  {
    name: 'Texas Attorney General, Consumer Protection Division',
    kind: 'regulator',
    level: 'state',
    subdivision: 'US-TX',
  },
];
export const US_STATE: Agency[] = [
  { name: 'California Department of Justice', kind: 'law_enforcement', level: 'state', subdivision: 'US-CA' },
  { name: 'New York State Police', kind: 'law_enforcement', level: 'state', subdivision: 'US-NY' },
  {
    name: 'Texas Department of Public Safety',
    kind: 'law_enforcement',
    level: 'state',
    subdivision: 'US-TX',
  },
  {
    name: 'Florida Department of Law Enforcement',
    kind: 'law_enforcement',
    level: 'state',
    subdivision: 'US-FL',
  },
  { name: 'Illinois State Police', kind: 'law_enforcement', level: 'state', subdivision: 'US-IL' },
  { name: 'Pennsylvania State Police', kind: 'law_enforcement', level: 'state', subdivision: 'US-PA' },
  { name: 'Georgia Bureau of Investigation', kind: 'law_enforcement', level: 'state', subdivision: 'US-GA' },
  {
    name: 'Ohio Bureau of Criminal Investigation',
    kind: 'law_enforcement',
    level: 'state',
    subdivision: 'US-OH',
  },
];
export const US_LOCAL: Agency[] = [
  {
    name: 'New York County District Attorney',
    kind: 'law_enforcement',
    level: 'local',
    subdivision: 'US-NY',
  },
  { name: 'Kings County District Attorney', kind: 'law_enforcement', level: 'local', subdivision: 'US-NY' },
  { name: 'Los Angeles Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-CA' },
  { name: 'San Francisco Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-CA' },
  { name: 'Chicago Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-IL' },
  { name: "Harris County Sheriff's Office", kind: 'law_enforcement', level: 'local', subdivision: 'US-TX' },
  { name: 'Miami-Dade Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-FL' },
  { name: 'Seattle Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-WA' },
  {
    name: "King County Prosecuting Attorney's Office",
    kind: 'law_enforcement',
    level: 'local',
    subdivision: 'US-WA',
  },
  { name: 'Philadelphia Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-PA' },
  { name: "Maricopa County Sheriff's Office", kind: 'law_enforcement', level: 'local', subdivision: 'US-AZ' },
  { name: 'Denver Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-CO' },
  { name: 'Atlanta Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-GA' },
  { name: 'Boston Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'US-MA' },
];
export const US_CIVIL_COURTS: Agency[] = [
  { name: 'U.S. District Court for the District of Delaware', kind: 'court', level: 'federal' },
  { name: 'U.S. District Court for the Northern District of California', kind: 'court', level: 'federal' },
  {
    name: 'Superior Court of California, County of San Francisco',
    kind: 'court',
    level: 'state',
    subdivision: 'US-CA',
  },
  {
    name: 'Supreme Court of the State of New York, New York County',
    kind: 'court',
    level: 'state',
    subdivision: 'US-NY',
  },
];
export const FEDERAL_COURTS = [
  'U.S. District Court for the Southern District of New York',
  'U.S. District Court for the Northern District of California',
  'U.S. District Court for the Central District of California',
  'U.S. District Court for the Eastern District of Virginia',
  'U.S. District Court for the District of Columbia',
  'U.S. District Court for the Northern District of Illinois',
  'U.S. District Court for the Southern District of Texas',
  'U.S. District Court for the District of Massachusetts',
];
export const STATE_COURTS: Record<string, string> = {
  'US-CA': 'Superior Court of California',
  'US-NY': 'Supreme Court of the State of New York',
  'US-TX': 'Texas District Court',
  'US-FL': 'Florida Circuit Court',
  'US-IL': 'Circuit Court of Cook County',
  'US-WA': 'King County Superior Court',
  'US-PA': 'Court of Common Pleas of Philadelphia County',
  'US-GA': 'Superior Court of Fulton County',
  'US-OH': 'Court of Common Pleas of Franklin County',
  'US-AZ': 'Superior Court of Arizona, Maricopa County',
  'US-CO': 'Denver District Court',
  'US-MA': 'Massachusetts Superior Court',
};

export interface Foreign {
  agencies: Agency[];
  /** Domestic law the country's own orders cite. */
  law?: string;
  /** A fictional number pattern; each x is a random digit. */
  phone: string;
}
export const national = (name: string, kind: AgencyKind = 'law_enforcement'): Agency => ({
  name,
  kind,
  level: 'national',
});
export const FOREIGN: Record<string, Foreign> = {
  CA: {
    agencies: [
      { name: 'Royal Canadian Mounted Police', kind: 'law_enforcement', level: 'federal' },
      {
        name: 'Ontario Provincial Police',
        kind: 'law_enforcement',
        level: 'provincial',
        subdivision: 'CA-ON',
      },
      { name: 'Toronto Police Service', kind: 'law_enforcement', level: 'local', subdivision: 'CA-ON' },
      { name: 'Sûreté du Québec', kind: 'law_enforcement', level: 'provincial', subdivision: 'CA-QC' },
      { name: 'Vancouver Police Department', kind: 'law_enforcement', level: 'local', subdivision: 'CA-BC' },
      { name: 'Calgary Police Service', kind: 'law_enforcement', level: 'local', subdivision: 'CA-AB' },
    ],
    law: 'Criminal Code (Canada), s. 487.014 (production order)',
    phone: '+141655501xx',
  },
  GB: {
    agencies: [
      national('National Crime Agency'),
      { name: 'Metropolitan Police Service', kind: 'law_enforcement', level: 'local', subdivision: 'GB-LND' },
      { name: 'Police Scotland', kind: 'law_enforcement', level: 'national', subdivision: 'GB-SCT' },
    ],
    law: 'Investigatory Powers Act 2016, Part 3',
    phone: '+447700900xxx',
  },
  AU: {
    agencies: [
      { name: 'Australian Federal Police', kind: 'law_enforcement', level: 'federal' },
      {
        name: 'New South Wales Police Force',
        kind: 'law_enforcement',
        level: 'state',
        subdivision: 'AU-NSW',
      },
      { name: 'Victoria Police', kind: 'law_enforcement', level: 'state', subdivision: 'AU-VIC' },
    ],
    law: 'Telecommunications (Interception and Access) Act 1979',
    phone: '+61491570xxx',
  },
  AT: {
    agencies: [
      national('Bundeskriminalamt (Österreich)'),
      { name: 'Landespolizeidirektion Wien', kind: 'law_enforcement', level: 'state', subdivision: 'AT-9' },
    ],
    law: 'Strafprozessordnung 1975, § 76a',
    phone: '+43555xxxxxx',
  },
  BH: { agencies: [national('Ministry of Interior, Cyber Crime Directorate')], phone: '+973555xxxxxx' },
  BE: {
    agencies: [national('Federal Computer Crime Unit'), national('Parquet fédéral')],
    law: "Code d'instruction criminelle, art. 46bis",
    phone: '+32555xxxxxx',
  },
  FR: {
    agencies: [national('Police nationale'), national('Gendarmerie nationale'), national('Parquet de Paris')],
    law: 'Code de procédure pénale, art. 60-1',
    phone: '+33555xxxxxx',
  },
  DE: {
    agencies: [
      { name: 'Bundeskriminalamt', kind: 'law_enforcement', level: 'federal' },
      { name: 'Landeskriminalamt Berlin', kind: 'law_enforcement', level: 'state', subdivision: 'DE-BE' },
      { name: 'Staatsanwaltschaft München I', kind: 'law_enforcement', level: 'state', subdivision: 'DE-BY' },
    ],
    law: 'Strafprozessordnung, § 100j',
    phone: '+49555xxxxxx',
  },
  IT: {
    agencies: [national('Polizia Postale e delle Comunicazioni'), national('Guardia di Finanza')],
    law: 'Codice di procedura penale, art. 256',
    phone: '+39555xxxxxx',
  },
  NO: {
    agencies: [
      national('Kripos'),
      { name: 'Oslo Police District', kind: 'law_enforcement', level: 'local', subdivision: 'NO-03' },
    ],
    law: 'Straffeprosessloven, § 210',
    phone: '+47555xxxxxx',
  },
  PT: {
    agencies: [national('Polícia Judiciária')],
    law: 'Lei do Cibercrime, art. 14.º',
    phone: '+351555xxxxxx',
  },
  CH: {
    agencies: [
      { name: 'Federal Office of Police (fedpol)', kind: 'law_enforcement', level: 'federal' },
      { name: 'Kantonspolizei Zürich', kind: 'law_enforcement', level: 'state', subdivision: 'CH-ZH' },
    ],
    law: 'Strafprozessordnung, Art. 265',
    phone: '+41555xxxxxx',
  },
  JP: {
    agencies: [
      national('National Police Agency'),
      {
        name: 'Tokyo Metropolitan Police Department',
        kind: 'law_enforcement',
        level: 'local',
        subdivision: 'JP-13',
      },
    ],
    law: 'Code of Criminal Procedure, art. 197(2)',
    phone: '+81555xxxxxx',
  },
  NL: {
    agencies: [national('Politie Nederland')],
    law: 'Wetboek van Strafvordering, art. 126na',
    phone: '+31555xxxxxx',
  },
  ES: { agencies: [national('Guardia Civil'), national('Policía Nacional')], phone: '+34555xxxxxx' },
  IE: { agencies: [national('An Garda Síochána')], phone: '+353555xxxxxx' },
  PL: { agencies: [national('Centralne Biuro Zwalczania Cyberprzestępczości')], phone: '+48555xxxxxx' },
  SE: { agencies: [national('Polismyndigheten')], phone: '+46555xxxxxx' },
  DK: { agencies: [national('Rigspolitiet')], phone: '+45555xxxxxx' },
  IN: {
    agencies: [
      { name: 'Central Bureau of Investigation', kind: 'law_enforcement', level: 'federal' },
      { name: 'Delhi Police', kind: 'law_enforcement', level: 'state', subdivision: 'IN-DL' },
    ],
    law: 'Bharatiya Nagarik Suraksha Sanhita, s. 94',
    phone: '+91555xxxxxx',
  },
  BR: {
    agencies: [
      { name: 'Polícia Federal', kind: 'law_enforcement', level: 'federal' },
      {
        name: 'Polícia Civil do Estado de São Paulo',
        kind: 'law_enforcement',
        level: 'state',
        subdivision: 'BR-SP',
      },
    ],
    law: 'Marco Civil da Internet, art. 22',
    phone: '+55555xxxxxx',
  },
  MX: {
    agencies: [{ name: 'Fiscalía General de la República', kind: 'law_enforcement', level: 'federal' }],
    phone: '+52555xxxxxx',
  },
  SG: { agencies: [national('Singapore Police Force')], phone: '+65555xxxxxx' },
  NZ: { agencies: [national('New Zealand Police')], phone: '+64555xxxxxx' },
  IL: { agencies: [national('Israel Police')], phone: '+972555xxxxxx' },
};
/** Categories an authority's order can carry, for the occasional unusual one (not the notice-only ones). */
export const RARE_DSA_CATEGORIES = DSA_CATEGORIES.filter((c) => !c.endsWith('_NOTICE') && !c.endsWith('_TC'));
export const EU = ['AT', 'BE', 'DE', 'DK', 'ES', 'FR', 'IE', 'IT', 'NL', 'PL', 'PT', 'SE'];
/** Regulators acting as DSA Art. 9 / 10 authorities beside the police. */
export const EU_REGULATORS: Record<string, Agency> = {
  IE: national('Coimisiún na Meán', 'regulator'),
  DE: national('Bundesnetzagentur', 'regulator'),
  FR: national('Arcom', 'regulator'),
  NL: national('Autoriteit Consument & Markt', 'regulator'),
  IT: national('Autorità per le Garanzie nelle Comunicazioni', 'regulator'),
};

/** 2015-H1 exactly as Twilio published it, in random order. */
export function twilioCountries(rng: Rng): string[] {
  const list: string[] = Array.from({ length: TWILIO_2015_H1.us }, () => 'US');
  for (const [country, n] of Object.entries(TWILIO_2015_H1.international)) {
    for (let i = 0; i < n; i++) list.push(country);
  }
  return rng.shuffle(list);
}

/** Later half-years: the US share falls from about 83 % as Europe (DSA, e-Evidence) and the UK grow. */
export function drawCountries(rng: Rng, period: Period, n: number): string[] {
  const weights = countryWeights(period);
  return Array.from({ length: n }, () => rng.weighted(weights));
}

export const countryWeightCache = new Map<string, Record<string, number>>();

export function countryWeights(period: Period): Record<string, number> {
  const cached = countryWeightCache.get(period.label);
  if (cached) return cached;
  const years = (period.start - Date.UTC(2015, 0, 1)) / (365.25 * DAY);
  const eu = period.end > DSA_APPLIES ? 1.8 : 1;
  const weights: Record<string, number> = {
    US: 130 - years * 3,
    CA: 8,
    GB: period.end > UK_AGREEMENT ? 6 : 3.5,
    AU: period.end > AU_AGREEMENT ? 3.5 : 2,
    DE: 2.5 * eu,
    FR: 2 * eu,
    IT: 1.2 * eu,
    BE: 1.2 * eu,
    NL: 1 * eu,
    ES: 0.9 * eu,
    IE: 0.7 * eu,
    PL: 0.6 * eu,
    SE: 0.5 * eu,
    AT: 0.4 * eu,
    PT: 0.4 * eu,
    DK: 0.3 * eu,
    CH: 1,
    NO: 0.5,
    JP: 0.7,
    IN: 0.5 + years * 0.12,
    BR: 0.5 + years * 0.1,
    MX: 0.4,
    SG: 0.3,
    NZ: 0.3,
    IL: 0.3,
    BH: 0.1,
  };
  countryWeightCache.set(period.label, weights);
  return weights;
}

// ---- what they ask ---------------------------------------------------------------------------------------
