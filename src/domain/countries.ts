/**
 * ISO 3166-1 alpha-2 countries with their English short names and the region a transparency report groups
 * them under (Americas, EMEA = Europe, Middle East and Africa, APAC = Asia-Pacific incl. Central Asia,
 * Other). Pure data; the report tables use it to name and group requesting countries.
 */

/** The report's regions (the same four as `REGIONS` in report-data.ts). */
export type Region = 'Americas' | 'EMEA' | 'APAC' | 'Other';

// Compact on purpose: 249 entries written one per line would be most of this file.
const TABLE: Record<Exclude<Region, 'Other'>, string> = {
  Americas:
    'AG Antigua and Barbuda;AI Anguilla;AR Argentina;AW Aruba;BB Barbados;BL Saint Barthélemy;BM Bermuda;' +
    'BO Bolivia;BQ Caribbean Netherlands;BR Brazil;BS Bahamas;BZ Belize;CA Canada;CL Chile;CO Colombia;' +
    'CR Costa Rica;CU Cuba;CW Curaçao;DM Dominica;DO Dominican Republic;EC Ecuador;FK Falkland Islands;' +
    'GD Grenada;GF French Guiana;GL Greenland;GP Guadeloupe;GT Guatemala;GY Guyana;HN Honduras;HT Haiti;' +
    'JM Jamaica;KN Saint Kitts and Nevis;KY Cayman Islands;LC Saint Lucia;MF Saint Martin;MQ Martinique;' +
    'MS Montserrat;MX Mexico;NI Nicaragua;PA Panama;PE Peru;PM Saint Pierre and Miquelon;PR Puerto Rico;' +
    'PY Paraguay;SR Suriname;SV El Salvador;SX Sint Maarten;TC Turks and Caicos Islands;' +
    'TT Trinidad and Tobago;UM United States Minor Outlying Islands;US United States;UY Uruguay;' +
    'VC Saint Vincent and the Grenadines;VE Venezuela;VG British Virgin Islands;VI U.S. Virgin Islands',
  EMEA:
    'AD Andorra;AE United Arab Emirates;AL Albania;AM Armenia;AO Angola;AT Austria;AX Åland Islands;' +
    'AZ Azerbaijan;BA Bosnia and Herzegovina;BE Belgium;BF Burkina Faso;BG Bulgaria;BH Bahrain;BI Burundi;' +
    'BJ Benin;BW Botswana;BY Belarus;CD Congo (DRC);CF Central African Republic;CG Congo;CH Switzerland;' +
    "CI Côte d'Ivoire;CM Cameroon;CV Cabo Verde;CY Cyprus;CZ Czechia;DE Germany;DJ Djibouti;DK Denmark;" +
    'DZ Algeria;EE Estonia;EG Egypt;EH Western Sahara;ER Eritrea;ES Spain;ET Ethiopia;FI Finland;' +
    'FO Faroe Islands;FR France;GA Gabon;GB United Kingdom;GE Georgia;GG Guernsey;GH Ghana;GI Gibraltar;' +
    'GM Gambia;GN Guinea;GQ Equatorial Guinea;GR Greece;GW Guinea-Bissau;HR Croatia;HU Hungary;IE Ireland;' +
    'IL Israel;IM Isle of Man;IQ Iraq;IR Iran;IS Iceland;IT Italy;JE Jersey;JO Jordan;KE Kenya;KM Comoros;' +
    'KW Kuwait;LB Lebanon;LI Liechtenstein;LR Liberia;LS Lesotho;LT Lithuania;LU Luxembourg;LV Latvia;' +
    'LY Libya;MA Morocco;MC Monaco;MD Moldova;ME Montenegro;MG Madagascar;MK North Macedonia;ML Mali;' +
    'MR Mauritania;MT Malta;MU Mauritius;MW Malawi;MZ Mozambique;NA Namibia;NE Niger;NG Nigeria;' +
    'NL Netherlands;NO Norway;OM Oman;PL Poland;PS Palestine;PT Portugal;QA Qatar;RE Réunion;RO Romania;' +
    'RS Serbia;RU Russia;RW Rwanda;SA Saudi Arabia;SC Seychelles;SD Sudan;SE Sweden;SH Saint Helena;' +
    'SI Slovenia;SJ Svalbard and Jan Mayen;SK Slovakia;SL Sierra Leone;SM San Marino;SN Senegal;SO Somalia;' +
    'SS South Sudan;ST São Tomé and Príncipe;SY Syria;SZ Eswatini;TD Chad;TG Togo;TN Tunisia;TR Türkiye;' +
    'TZ Tanzania;UA Ukraine;UG Uganda;VA Vatican City;XK Kosovo;YE Yemen;YT Mayotte;ZA South Africa;' +
    'ZM Zambia;ZW Zimbabwe',
  APAC:
    'AF Afghanistan;AS American Samoa;AU Australia;BD Bangladesh;BN Brunei;BT Bhutan;CC Cocos (Keeling) Islands;' +
    'CK Cook Islands;CN China;CX Christmas Island;FJ Fiji;FM Micronesia;GU Guam;HK Hong Kong;' +
    'HM Heard Island and McDonald Islands;ID Indonesia;IN India;IO British Indian Ocean Territory;JP Japan;' +
    'KG Kyrgyzstan;KH Cambodia;KI Kiribati;KP North Korea;KR South Korea;KZ Kazakhstan;LA Laos;LK Sri Lanka;' +
    'MH Marshall Islands;MM Myanmar;MN Mongolia;MO Macao;MP Northern Mariana Islands;MV Maldives;MY Malaysia;' +
    'NC New Caledonia;NF Norfolk Island;NP Nepal;NR Nauru;NU Niue;NZ New Zealand;PF French Polynesia;' +
    'PG Papua New Guinea;PH Philippines;PK Pakistan;PN Pitcairn Islands;PW Palau;SB Solomon Islands;' +
    'SG Singapore;TH Thailand;TJ Tajikistan;TK Tokelau;TL Timor-Leste;TM Turkmenistan;TO Tonga;TV Tuvalu;' +
    'TW Taiwan;UZ Uzbekistan;VN Vietnam;VU Vanuatu;WF Wallis and Futuna;WS Samoa',
};

// Territories with no permanent population or no region of their own.
const OTHER =
  'AQ Antarctica;BV Bouvet Island;GS South Georgia and the South Sandwich Islands;TF French Southern Territories';

const COUNTRIES: ReadonlyMap<string, { name: string; region: Region }> = new Map(
  [...Object.entries(TABLE), ['Other', OTHER] as const].flatMap(([region, list]) =>
    list.split(';').map((e) => [e.slice(0, 2), { name: e.slice(3), region: region as Region }] as const),
  ),
);

/** Name and region of an ISO 3166-1 alpha-2 code; an unknown code keeps its code as name, region Other. */
export function country(code: string): { name: string; region: Region } {
  return COUNTRIES.get(code) ?? { name: code, region: 'Other' };
}

/** Every known code (for tests). */
export const COUNTRY_CODES: readonly string[] = [...COUNTRIES.keys()];

const US_STATES =
  'AL Alabama;AK Alaska;AZ Arizona;AR Arkansas;CA California;CO Colorado;CT Connecticut;DE Delaware;' +
  'DC District of Columbia;FL Florida;GA Georgia;HI Hawaii;ID Idaho;IL Illinois;IN Indiana;IA Iowa;' +
  'KS Kansas;KY Kentucky;LA Louisiana;ME Maine;MD Maryland;MA Massachusetts;MI Michigan;MN Minnesota;' +
  'MS Mississippi;MO Missouri;MT Montana;NE Nebraska;NV Nevada;NH New Hampshire;NJ New Jersey;' +
  'NM New Mexico;NY New York;NC North Carolina;ND North Dakota;OH Ohio;OK Oklahoma;OR Oregon;' +
  'PA Pennsylvania;RI Rhode Island;SC South Carolina;SD South Dakota;TN Tennessee;TX Texas;UT Utah;' +
  'VT Vermont;VA Virginia;WA Washington;WV West Virginia;WI Wisconsin;WY Wyoming;AS American Samoa;' +
  'GU Guam;MP Northern Mariana Islands;PR Puerto Rico;UM U.S. Minor Outlying Islands;VI U.S. Virgin Islands';

const STATES: ReadonlyMap<string, string> = new Map(
  US_STATES.split(';').map((e) => [`US-${e.slice(0, 2)}`, e.slice(3)] as const),
);

/** `US-CA` -> `California`; an unknown subdivision is named by its code. */
export const usStateName = (code: string): string => STATES.get(code) ?? code;

/** EU Member States by ISO code, written as the DSA templates write them (Eurostat: Greece is EL). */
export const EU_MEMBER_STATES: readonly string[] =
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');

/** The DSA scope code of an issuing country, or null when it is not an EU Member State. */
export function dsaMemberState(iso: string): string | null {
  if (!EU_MEMBER_STATES.includes(iso)) return null;
  return iso === 'GR' ? 'EL' : iso;
}
