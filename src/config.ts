import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseForeignNsConfig, type ForeignNsConfig } from './domain/foreign-national-security.ts';
import { defaultPolicy, policyConfig, type PolicyConfig } from './domain/policy-config.ts';
import { parseStorageUrl, type S3Settings } from './documents/s3-store.ts';
import { parseKey } from './keys/keyring.ts';
import { ROLES, type Role } from './domain/vocabulary.ts';
import { ConfigError } from './errors.ts';

/** Every environment variable Candor reads, parsed once at start-up. Zero configuration = embedded mode. */
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection URL')
    .optional(),
  CANDOR_DATA_DIR: z.string().min(1).default('./.candor'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  CANDOR_PROVIDER_NAME: z.string().min(1).default('Example Communications, Inc.'),
  CANDOR_PUBLIC_URL: z.string().url().optional(),
  CANDOR_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'expected smtp:// or smtps://')
    .optional(),
  CANDOR_MAIL_FROM: z.string().min(3).default('legal@example.com'),
  CANDOR_NS_OPTION: z.enum(['a1', 'a2', 'a3', 'a4']).default('a3'),
  /**
   * How foreign national-security orders are reported, per jurisdiction: `GB:band:250,AU:none`. A jurisdiction
   * not named is not reported at all (docs/reports.md, "Foreign national-security orders").
   */
  CANDOR_FOREIGN_NS: z
    .string()
    .superRefine((s, ctx) => {
      const r = parseForeignNsConfig(s);
      if (!r.ok) for (const message of r.errors) ctx.addIssue({ code: 'custom', message });
    })
    .optional(),
  /** Days after a period's last day its report is published by default (bulk freeze, the report desk). */
  CANDOR_NS_PUBLICATION_LAG_DAYS: z.coerce.number().int().min(0).max(730).default(1),
  /** The day the EU DSA's Art. 15 reporting applies to the provider (2024-02-17; VLOPs and VLOSEs earlier). */
  CANDOR_DSA_APPLIES_FROM: z.iso.date().default('2024-02-17'),
  CANDOR_TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false'),
  CANDOR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  /** Seconds between runs of the background jobs in `candor serve`; 0 turns them off. */
  CANDOR_JOBS_INTERVAL: z.coerce.number().int().min(0).max(86_400).default(30),
  /** A JSON file overriding the policy engine's defaults (src/domain/policy-config.ts). */
  CANDOR_POLICY_FILE: z.string().min(1).optional(),
  CANDOR_PUBLISH_REPO: z.string().min(1).optional(),
  /** Who commits and tags publications, "Name <email>"; unset: git's own user.name and user.email. */
  CANDOR_GIT_AUTHOR: z
    .string()
    .refine(
      (s) => parseGitAuthor(s) !== null,
      'expected "Name <email>", e.g. "Transparency Team <legal@example.com>"',
    )
    .optional(),
  /** The master key for secrets at rest: 32 bytes, base64 or hex. Unset: `<data dir>/secret.key`. */
  CANDOR_SECRET_KEY: z
    .string()
    .refine((s) => parseKey(s) !== null, 'expected 32 bytes as base64 (44 characters) or hex (64)')
    .optional(),
  /** Old master keys, comma-separated, still accepted for opening while `candor keys rotate` runs. */
  CANDOR_SECRET_KEY_PREVIOUS: z
    .string()
    .refine(
      (s) => s.split(',').every((k) => parseKey(k) !== null),
      'expected comma-separated keys of 32 bytes as base64 or hex',
    )
    .optional(),
  /** Where document blobs live: unset = `<data dir>/documents`; `s3://bucket/prefix` = S3-compatible storage. */
  CANDOR_STORAGE_URL: z
    .string()
    .refine((s) => parseStorageUrl(s) !== null, 'expected s3://bucket or s3://bucket/prefix')
    .optional(),
  CANDOR_S3_ENDPOINT: z.string().url().optional(),
  CANDOR_S3_REGION: z.string().min(1).default('us-east-1'),
  CANDOR_S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '1', '0']).optional(),
  /** The largest document accepted, in bytes (default 100 MiB). */
  CANDOR_DOCUMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 ** 3)
    .default(100 * 1024 * 1024),
  /** The agency portal's address as officers reach it (docs/portal.md); default: the public URL + /portal. */
  CANDOR_PORTAL_URL: z
    .string()
    .url()
    .refine((s) => /\/portal\/?$/.test(new URL(s).pathname), 'expected an address ending in /portal')
    .optional(),
  /** Where emergency portal submissions are e-mailed at once (the on-call address). */
  CANDOR_PORTAL_ONCALL: z.string().email('expected an e-mail address').optional(),
  /** Days a released production stays downloadable, and how many downloads it allows, unless the release says. */
  CANDOR_PORTAL_RELEASE_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  CANDOR_PORTAL_DOWNLOAD_LIMIT: z.coerce.number().int().min(1).max(100).default(5),
  /** The largest legal process file an officer may upload (default 20 MiB; PDF only). */
  CANDOR_PORTAL_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3)
    .default(20 * 1024 * 1024),
  /** Single sign-on (OpenID Connect) for staff: docs/web.md. Set the issuer to turn it on. */
  CANDOR_OIDC_ISSUER: z.string().url().optional(),
  CANDOR_OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  CANDOR_OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  /** Where the provider sends the browser back; default `<public URL>/login/oidc/callback`. */
  CANDOR_OIDC_REDIRECT_URL: z.string().url().optional(),
  CANDOR_OIDC_SCOPES: z.string().min(1).default('openid email profile'),
  /** The claim whose value(s) name a role (a string or a list of strings). */
  CANDOR_OIDC_ROLE_CLAIM: z.string().min(1).max(200).default('candor_role'),
  /** `value=role,...`: the claim's values (groups) mapped to roles; unset: values that are role names. */
  CANDOR_OIDC_ROLE_MAP: z
    .string()
    .refine(
      (s) => parseRoleMap(s) !== null,
      `expected value=role pairs separated by commas, each role one of ${ROLES.join(', ')}`,
    )
    .optional(),
  /** Create a user on first sign-in (role from the claim, else viewer). Off: unknown people are refused. */
  CANDOR_OIDC_PROVISION: z.enum(['true', 'false', '1', '0']).default('false'),
  /** Link a first sign-in to the existing user with the same e-mail, when the provider says it is verified. */
  CANDOR_OIDC_LINK_BY_EMAIL: z.enum(['true', 'false', '1', '0']).default('false'),
  /** The name on the sign-in button. */
  CANDOR_OIDC_NAME: z.string().min(1).max(100).default('single sign-on'),
  /** `false`: no password sign-in, password links or password changes; staff sign in through the provider. */
  CANDOR_LOCAL_PASSWORDS: z.enum(['true', 'false', '1', '0']).default('true'),
});

/** `group=role,other=role` -> a map, or null when a pair is malformed or names no role. */
export function parseRoleMap(s: string): Map<string, Role> | null {
  const m = new Map<string, Role>();
  for (const pair of s.split(',')) {
    if (pair.trim() === '') continue;
    const i = pair.lastIndexOf('=');
    const value = pair.slice(0, i).trim();
    const role = pair.slice(i + 1).trim();
    if (i < 1 || value === '' || !(ROLES as readonly string[]).includes(role)) return null;
    m.set(value, role as Role);
  }
  return m;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUrl: string | undefined;
  scopes: string;
  roleClaim: string;
  roleMap: ReadonlyMap<string, Role> | null;
  provision: boolean;
  linkByEmail: boolean;
  name: string;
}

/** Where document blobs are kept (src/documents/). */
export type StorageConfig = { kind: 'folder'; root: string } | ({ kind: 's3' } & S3Settings);

export type Config = Readonly<{
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  providerName: string;
  publicUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  nsOption: 'a1' | 'a2' | 'a3' | 'a4';
  /** CANDOR_FOREIGN_NS: how each jurisdiction's foreign national-security orders are reported ({} = none). */
  foreignNs: ForeignNsConfig;
  /** CANDOR_NS_PUBLICATION_LAG_DAYS: a period's default publication date is its last day plus this. */
  publicationLagDays: number;
  /** CANDOR_DSA_APPLIES_FROM: periods that end before it carry no DSA figures (blank, not 0). */
  dsaAppliesFrom?: string;
  logLevel: string;
  jobsIntervalSeconds: number;
  policy: PolicyConfig;
  /**
   * The provider's "How we handle requests" policy, Markdown (`<data dir>/how-we-handle-requests.md`), edited
   * in the report desk; on PostgreSQL too (docs/reports.md, "How we handle requests").
   */
  handlingPolicyFile: string;
  /** Trust X-Forwarded-* headers (set when a reverse proxy terminates TLS in front of Candor). */
  trustProxy: boolean;
  /**
   * The git repository the web app publishes to (CANDOR_PUBLISH_REPO, default `<data dir>/public`). Set on
   * the server, never taken from a form: a browser may not name paths on the server.
   */
  publishRepo: string;
  /** CANDOR_GIT_AUTHOR: the identity publications are committed and tagged under (default: git's own). */
  gitAuthor: Readonly<{ name: string; email: string }> | undefined;
  /** CANDOR_SECRET_KEY (src/keys/keyring.ts); undefined: the data directory's key file. */
  secretKey: Buffer | undefined;
  previousSecretKeys: readonly Buffer[];
  storage: StorageConfig;
  /** CANDOR_DOCUMENT_MAX_BYTES: uploads larger than this are refused, at every door. */
  documentMaxBytes: number;
  /** Single sign-on; null when CANDOR_OIDC_ISSUER is unset. */
  oidc: Readonly<OidcConfig> | null;
  /** CANDOR_LOCAL_PASSWORDS: false turns off every password door of the staff app. */
  localPasswords: boolean;
  portal: Readonly<{
    url: string | undefined;
    onCall: string | undefined;
    releaseDays: number;
    downloadLimit: number;
    uploadMaxBytes: number;
  }>;
}>;

export { ConfigError };

/** "Name <email>" (git's own form of an identity); null when it is not that. */
export function parseGitAuthor(s: string): { name: string; email: string } | null {
  const m = /^\s*([^<>\p{Cc}]*[^<>\s\p{Cc}])\s*<([^<>\s\p{Cc}]+@[^<>\s\p{Cc}]+)>\s*$/u.exec(s);
  return m ? { name: m[1]!, email: m[2]! } : null;
}

/** Parses the environment; reports every invalid variable at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const policy = loadPolicy(
    typeof cleaned.CANDOR_POLICY_FILE === 'string' ? cleaned.CANDOR_POLICY_FILE : undefined,
  );
  if (!policy.ok) lines.push(...policy.errors);
  if (parsed.success && parsed.data.CANDOR_OIDC_ISSUER && !parsed.data.CANDOR_OIDC_CLIENT_ID)
    lines.push('CANDOR_OIDC_CLIENT_ID: required when CANDOR_OIDC_ISSUER is set');
  if (parsed.success && isOff(parsed.data.CANDOR_LOCAL_PASSWORDS) && !parsed.data.CANDOR_OIDC_ISSUER)
    lines.push(
      'CANDOR_LOCAL_PASSWORDS: false needs single sign-on (CANDOR_OIDC_ISSUER), or nobody could sign in',
    );
  if (!parsed.success || !policy.ok || lines.length) {
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.CANDOR_DATA_DIR);
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir,
    port: e.PORT,
    host: e.HOST,
    providerName: e.CANDOR_PROVIDER_NAME,
    publicUrl: e.CANDOR_PUBLIC_URL,
    smtpUrl: e.CANDOR_SMTP_URL,
    mailFrom: e.CANDOR_MAIL_FROM,
    nsOption: e.CANDOR_NS_OPTION,
    foreignNs: e.CANDOR_FOREIGN_NS
      ? (parseForeignNsConfig(e.CANDOR_FOREIGN_NS) as { value: ForeignNsConfig }).value
      : Object.freeze({}),
    publicationLagDays: e.CANDOR_NS_PUBLICATION_LAG_DAYS,
    dsaAppliesFrom: e.CANDOR_DSA_APPLIES_FROM,
    logLevel: e.CANDOR_LOG_LEVEL,
    jobsIntervalSeconds: e.CANDOR_JOBS_INTERVAL,
    policy: policy.value,
    handlingPolicyFile: path.join(dataDir, 'how-we-handle-requests.md'),
    trustProxy: e.CANDOR_TRUST_PROXY === 'true' || e.CANDOR_TRUST_PROXY === '1',
    publishRepo: e.CANDOR_PUBLISH_REPO ? path.resolve(e.CANDOR_PUBLISH_REPO) : path.join(dataDir, 'public'),
    gitAuthor: e.CANDOR_GIT_AUTHOR ? Object.freeze(parseGitAuthor(e.CANDOR_GIT_AUTHOR)!) : undefined,
    secretKey: e.CANDOR_SECRET_KEY ? parseKey(e.CANDOR_SECRET_KEY)! : undefined,
    previousSecretKeys: Object.freeze(
      (e.CANDOR_SECRET_KEY_PREVIOUS ?? '')
        .split(',')
        .filter((k) => k.trim() !== '')
        .map((k) => parseKey(k)!),
    ),
    storage: storageConfig(e, dataDir),
    oidc: e.CANDOR_OIDC_ISSUER
      ? Object.freeze({
          issuer: e.CANDOR_OIDC_ISSUER,
          clientId: e.CANDOR_OIDC_CLIENT_ID!,
          clientSecret: e.CANDOR_OIDC_CLIENT_SECRET,
          redirectUrl: e.CANDOR_OIDC_REDIRECT_URL,
          scopes: e.CANDOR_OIDC_SCOPES,
          roleClaim: e.CANDOR_OIDC_ROLE_CLAIM,
          roleMap: e.CANDOR_OIDC_ROLE_MAP ? parseRoleMap(e.CANDOR_OIDC_ROLE_MAP) : null,
          provision: !isOff(e.CANDOR_OIDC_PROVISION),
          linkByEmail: !isOff(e.CANDOR_OIDC_LINK_BY_EMAIL),
          name: e.CANDOR_OIDC_NAME,
        })
      : null,
    localPasswords: !isOff(e.CANDOR_LOCAL_PASSWORDS),
    documentMaxBytes: e.CANDOR_DOCUMENT_MAX_BYTES,
    portal: Object.freeze({
      url: e.CANDOR_PORTAL_URL?.replace(/\/$/, ''),
      onCall: e.CANDOR_PORTAL_ONCALL,
      releaseDays: e.CANDOR_PORTAL_RELEASE_DAYS,
      downloadLimit: e.CANDOR_PORTAL_DOWNLOAD_LIMIT,
      uploadMaxBytes: Math.min(e.CANDOR_PORTAL_UPLOAD_MAX_BYTES, e.CANDOR_DOCUMENT_MAX_BYTES),
    }),
  });
}

const isOff = (v: string | undefined) => v === 'false' || v === '0';

function storageConfig(e: z.output<typeof envSchema>, dataDir: string): StorageConfig {
  if (!e.CANDOR_STORAGE_URL) return Object.freeze({ kind: 'folder', root: path.join(dataDir, 'documents') });
  const { bucket, prefix } = parseStorageUrl(e.CANDOR_STORAGE_URL)!;
  const flag = e.CANDOR_S3_FORCE_PATH_STYLE;
  return Object.freeze({
    kind: 's3',
    bucket,
    prefix,
    endpoint: e.CANDOR_S3_ENDPOINT,
    region: e.CANDOR_S3_REGION,
    // Path-style by default with a custom endpoint (most S3-compatible servers), virtual-hosted on AWS.
    forcePathStyle: flag === undefined ? e.CANDOR_S3_ENDPOINT !== undefined : flag === 'true' || flag === '1',
  });
}

/** Reads the policy file, if one is named; every problem names the file and the key. */
function loadPolicy(
  file: string | undefined,
): { ok: true; value: PolicyConfig } | { ok: false; errors: string[] } {
  if (!file) return { ok: true, value: defaultPolicy };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return {
      ok: false,
      errors: [`CANDOR_POLICY_FILE: ${file} is not a readable JSON file (${(err as Error).message})`],
    };
  }
  const parsed = policyConfig.safeParse(json);
  if (parsed.success) return { ok: true, value: Object.freeze(parsed.data) };
  return {
    ok: false,
    errors: parsed.error.issues.map(
      (i) => `CANDOR_POLICY_FILE ${file}: ${i.path.join('.') || '(root)'}: ${i.message}`,
    ),
  };
}
