import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** The agency portal's tables (migration 2026-12-04-20-15-portal, docs/portal.md). */
export interface PortalTables {
  portal_domain_rules: PortalDomainRulesTable;
  portal_users: PortalUsersTable;
  portal_tokens: PortalTokensTable;
  portal_sessions: PortalSessionsTable;
  portal_submissions: PortalSubmissionsTable;
  portal_messages: PortalMessagesTable;
  portal_releases: PortalReleasesTable;
}

export type PortalUserState = 'unverified' | 'pending_review' | 'active' | 'refused' | 'disabled';
export type SubmissionState = 'received' | 'accepted' | 'refused' | 'withdrawn';

export interface PortalDomainRulesTable {
  id: Generated<number>;
  domain: string;
  kind: 'exact' | 'suffix';
  country: string | null;
  added_by: string;
  added_at: Timestamp;
}

export interface PortalUsersTable {
  id: Generated<number>;
  email: string;
  name: string;
  title: string;
  agency: string;
  phone: string;
  country: string;
  state: PortalUserState;
  domain_rule: string | null;
  email_verified_at: Timestamp | null;
  verified_how: string | null;
  verified_by: string | null;
  review_reason: string | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  first_sign_in_at: Timestamp | null;
  created_at: Timestamp;
}

export interface PortalTokensTable {
  token_hash: string;
  user_id: number;
  purpose: 'verify' | 'sign_in';
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export type PortalStage = 'enrol' | 'second_factor' | 'signed_in';

export interface PortalSessionsTable {
  id_hash: string;
  user_id: number;
  stage: PortalStage;
  csrf_secret: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface PortalSubmissionsTable {
  id: Generated<number>;
  user_id: number;
  state: SubmissionState;
  request_id: number | null;
  duplicate: Generated<boolean>;
  input: ColumnType<unknown, string, string>;
  reference: string;
  officer_name: string;
  officer_title: string;
  officer_agency: string;
  officer_phone: string;
  attestation: string;
  emergency: boolean;
  danger: string | null;
  why_now: string | null;
  callback_phone: string | null;
  document_id: number | null;
  submitted_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by: string | null;
  refusal_message: string | null;
  notified_status: string | null;
  /** A status e-mail is being sent until then (claimed before the SMTP call, cleared after). */
  notify_claimed_until: Timestamp | null;
}

export interface PortalMessagesTable {
  id: Generated<number>;
  submission_id: number;
  sender: 'staff' | 'officer';
  author: string;
  body: string;
  at: Timestamp;
}

export interface PortalReleasesTable {
  id: Generated<number>;
  submission_id: number;
  production_id: number;
  released_by: string;
  released_at: Timestamp;
  expires_at: Timestamp;
  max_downloads: number;
  downloads: Generated<number>;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export type PortalUserRow = Selectable<PortalUsersTable>;
export type PortalSubmissionRow = Selectable<PortalSubmissionsTable>;
export type PortalMessageRow = Selectable<PortalMessagesTable>;
export type PortalReleaseRow = Selectable<PortalReleasesTable>;
export type PortalDomainRuleRow = Selectable<PortalDomainRulesTable>;
