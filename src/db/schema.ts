import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { PortalTables } from './schema-portal.ts';
import type {
  AccessMode,
  ChallengeResult,
  ChallengeStage,
  AccountResult,
  AgencyKind,
  AgencyLevel,
  CaseClass,
  Channel,
  DataSought,
  DeliveryMethod,
  DemandKind,
  DocumentKind,
  DsaCategory,
  IdentifierKind,
  RestrictionBasis,
  NdoAuthority,
  NoticeStatus,
  Outcome,
  ProcessType,
  RequestStatus,
  RequesterClass,
  Role,
  NoticeKind,
  OutboxStatus,
  ReminderMode,
  ReminderStatus,
  SessionStage,
  CorrespondenceChannel,
  CorrespondenceDirection,
} from '../domain/vocabulary.ts';

/** A timestamptz: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type { AccountResult };
export type NdoGround = 'endanger_life' | 'flight' | 'evidence' | 'witnesses' | 'jeopardize' | 'other';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  role: Role;
  password_hash: string | null;
  totp_secret: string | null;
  totp_last_step: number | null;
  created_at: CreatedAt;
  disabled_at: Timestamp | null;
  /** Set when the second factor was failed too often: no sign-in until then. */
  locked_until: Timestamp | null;
  /** The OpenID Connect identity (issuer + subject) this user signs in as, if linked. */
  oidc_issuer: string | null;
  oidc_subject: string | null;
  /** Which reminder e-mails the user gets (docs/workflow.md, "Reminders"). */
  reminders: Generated<ReminderMode>;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  label: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AgenciesTable {
  id: Generated<number>;
  name: string;
  kind: AgencyKind;
  level: AgencyLevel;
  country: string;
  subdivision: string | null;
  created_at: CreatedAt;
}

export interface RequestsTable {
  id: Generated<number>;
  external_ref: string;
  received_at: Timestamp;
  delivered_via: DeliveryMethod | null;
  agency_id: number;
  issuer: string | null;
  requester_class: Generated<RequesterClass>;
  channel: Generated<Channel>;
  process_type: ProcessType;
  legal_authority: string | null;
  case_class: CaseClass | null;
  emergency: Generated<boolean>;
  emergency_basis: string | null;
  demand_kind: DemandKind;
  data_sought: ColumnType<DataSought[], DataSought[] | undefined, DataSought[]>;
  items_of_information: number | null;
  dsa_category: DsaCategory | null;
  /** The DSA sub-category (KEYWORD_*) of dsa_category; null = not recorded. */
  dsa_keyword: ColumnType<string | null, string | null | undefined, string | null>;
  /** What the sub-category "Other" holds (with KEYWORD_OTHER); published in the DSA files. */
  dsa_keyword_other: ColumnType<string | null, string | null | undefined, string | null>;
  /** What a demand to restrict cites: local law, the provider's terms, neither; null = not recorded. */
  restriction_basis: ColumnType<
    RestrictionBasis | null,
    RestrictionBasis | null | undefined,
    RestrictionBasis | null
  >;
  /** The law a restriction demand cites (staff only, never published). */
  restriction_law: ColumnType<string | null, string | null | undefined, string | null>;
  acknowledged_at: Timestamp | null;
  effect_given_at: Timestamp | null;
  status: Generated<RequestStatus>;
  outcome: Outcome | null;
  responded_at: Timestamp | null;
  notice_status: Generated<NoticeStatus>;
  data_location: string | null;
  notes: string | null;
  /** The targeted customer is a US person or located in the US; null = not recorded (18 U.S.C. 2523(b)(4)). */
  target_us_person: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  /** The kind of identifier the request specifies (device, financial, account, ...); null = not recorded. */
  identifier_kind: ColumnType<
    IdentifierKind | null,
    IdentifierKind | null | undefined,
    IdentifierKind | null
  >;
  /** Stored records or real-time collection (issue 16.2); null = not recorded. */
  access_mode: ColumnType<AccessMode | null, AccessMode | null | undefined, AccessMode | null>;
  assigned_to: number | null;
  /** Seen only by users with the restricted-matters grant (national-security process always: a trigger sets it). */
  restricted: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RequestTargetsTable {
  id: Generated<number>;
  request_id: number;
  identifier: string;
  account_ref: string | null;
  result: AccountResult | null;
}

export interface NondisclosureOrdersTable {
  id: Generated<number>;
  request_id: number;
  authority: NdoAuthority;
  issuing_court: string | null;
  issued_at: Timestamp | null;
  expires_at: Timestamp | null;
  indefinite: Generated<boolean>;
  ground: NdoGround | null;
  lifted_at: Timestamp | null;
  review_requested_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  seq: number;
  at: Timestamp;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  prev_hash: string;
  hash: string;
}

/** Events written by a transaction that did not take the chain's lock, waiting for the sequencer. */
export interface AuditPendingTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
}

export type NumberSourceValue =
  'agency_directory' | 'official_website' | 'known_contact' | 'request' | 'other';
export type ApprovalPurpose = 'emergency_disclosure' | 'legal_sign_off';
export type HoldRegimeValue = 'sca_2703f' | 'foreign' | 'eu_epoc_pr';
export type HoldReleaseReason = 'expired_without_process' | 'process_received' | 'withdrawn' | 'other';

export interface EmergencyRecordsTable {
  request_id: number;
  attests_danger: boolean;
  verified_by: string | null;
  called_back_at: Timestamp | null;
  callback_number: string | null;
  number_source: NumberSourceValue | null;
  recorded_by: string;
  recorded_at: Timestamp;
  passed_at: Timestamp | null;
  follow_up_received_at: Timestamp | null;
}

export interface RequestApprovalsTable {
  id: Generated<number>;
  request_id: number;
  approver_id: number;
  purpose: ApprovalPurpose;
  note: string | null;
  approved_at: Timestamp;
  withdrawn_at: Timestamp | null;
}

export interface RequestResponsesTable {
  id: Generated<number>;
  request_id: number;
  outcome: Outcome;
  produced: ColumnType<DataSought[], DataSought[] | undefined, DataSought[]>;
  responded_at: Timestamp;
  recorded_by: string;
  recorded_at: Timestamp;
  superseded_at: Timestamp | null;
}

export interface ProductionOverridesTable {
  id: Generated<number>;
  request_id: number;
  response_id: number;
  approver_id: number;
  beyond: ColumnType<DataSought[], DataSought[], DataSought[]>;
  findings: string[];
  reason: string;
  created_at: Timestamp;
}

/** What history imported from another system carries past the policy gate, with the written reason. */
export interface HistoryOverridesTable {
  id: Generated<number>;
  request_id: number;
  rules: string[];
  findings: string[];
  reason: string;
  source: string;
  line: number | null;
  created_by: string;
  created_at: Timestamp;
}

/** One import in progress (or published, its staged rows not yet deleted): docs/import-format.md. */
export interface ImportBatchesTable {
  id: Generated<number>;
  file: string;
  actor: string;
  started_at: CreatedAt;
  touched_at: Timestamp;
  published_at: Timestamp | null;
}

/**
 * A validated row of an import, read by nothing but the importer: typed like `requests` but nullable (after
 * the first bad row only the ref and line are staged, to find repeated refs).
 */
export interface ImportStagedRequestsTable {
  import_id: number;
  external_ref: string;
  line: number;
}

/** One recorded step of a court challenge of a request (issue 16.2). */
export interface CourtChallengesTable {
  id: Generated<number>;
  request_id: number;
  stage: ChallengeStage;
  result: ChallengeResult;
  filed_at: Timestamp | null;
  decided_at: Timestamp | null;
  court: string | null;
  recorded_by: string;
  recorded_at: CreatedAt;
}

export interface PreservationHoldsTable {
  id: Generated<number>;
  request_id: number;
  regime: HoldRegimeValue;
  started_at: Timestamp;
  extensions: Generated<number>;
  last_extended_at: Timestamp | null;
  released_at: Timestamp | null;
  release_reason: HoldReleaseReason | null;
  created_by: string;
}

export type { OutboxStatus };

export interface CustomerContactsTable {
  id: Generated<number>;
  account_ref: string;
  email: string;
  name: string | null;
  language: Generated<string>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NoticeTemplatesTable {
  id: Generated<number>;
  kind: NoticeKind;
  language: string;
  subject: string;
  body: string;
  version: Generated<number>;
  updated_by: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NoticeOutboxTable {
  id: Generated<number>;
  request_id: number;
  account_ref: string;
  to_email: string;
  kind: NoticeKind;
  subject: string;
  body: string;
  message_id: string;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  claimed_by: string | null;
  claimed_at: Timestamp | null;
  sent_at: Timestamp | null;
  created_at: Timestamp;
  /** Set before the SMTP session opens: a row left `sending` with it set may have been delivered. */
  delivery_started_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ReportVersionsTable {
  id: Generated<number>;
  period: string;
  number: number;
  frozen_at: Timestamp;
  audit_head: string | null;
  /** ReportData, as JSON */
  data: ColumnType<unknown, string, never>;
  file_hashes: ColumnType<Record<string, string>, string, never>;
  change_what: string | null;
  change_why: string | null;
  change_method: string | null;
  change_date: ColumnType<string | null, string | null, never>;
}

/** The bytes of each file a version was frozen with (immutable, like the version). */
export interface ReportVersionFilesTable {
  version_id: number;
  name: string;
  bytes: ColumnType<Buffer, Buffer, never>;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  stage: SessionStage;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  csrf_secret: string;
  user_agent: string | null;
  /** How the session was opened: a local password (and second factor), or the OIDC provider. */
  method: ColumnType<'password' | 'oidc', 'password' | 'oidc' | undefined, never>;
}

/** Instance settings an admin changes (one JSON value per key). */
export interface SettingsTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
  updated_by: string;
}

export interface SetupTokensTable {
  token_hash: string;
  user_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** Sign-in attempts reserved per key (`account:<e-mail>`, `ip:<address>`, `totp:<user id>`) in a window. */
export interface LoginAttemptsTable {
  key: string;
  window_start: Timestamp;
  attempts: number;
}

export type DocumentTextStatus = 'none' | 'extracted' | 'failed' | 'skipped';

export interface DocumentsTable {
  id: Generated<number>;
  request_id: number | null;
  kind: DocumentKind;
  name: string;
  media_type: string;
  size_bytes: ColumnType<number, number, number>;
  sha256: string;
  blob_key: string;
  wrapped_key: string | null;
  key_id: string | null;
  text_status: DocumentTextStatus;
  text_sealed: string | null;
  text_note: string | null;
  uploaded_by: string;
  uploaded_by_user_id: number | null;
  uploaded_at: Timestamp;
  legal_hold: Generated<boolean>;
  removed_at: Timestamp | null;
  removed_by: string | null;
  removal_reason: string | null;
}

export interface ProductionsTable {
  id: Generated<number>;
  request_id: number;
  number: number;
  produced_at: Timestamp;
  produced_by: string;
  accounts: string[];
  data_categories: ColumnType<DataSought[], DataSought[], DataSought[]>;
  manifest: string;
  manifest_sha256: string;
  certification: string | null;
  certification_sha256: string | null;
}

export interface ProductionFilesTable {
  production_id: number;
  document_id: number;
  position: number;
}

export interface CertificationTemplatesTable {
  id: Generated<number>;
  body: string;
  version: number;
  updated_by: string;
  updated_at: Timestamp;
}

/** The restricted-matters grant: who may see restricted requests (one grant covers them all). */
export interface RestrictedGrantsTable {
  user_id: number;
  granted_by: string;
  granted_at: Timestamp;
  reason: string;
}

export interface ReminderOutboxTable {
  id: Generated<number>;
  /** Names the reminder (user, request, kind, deadline, stage; or user and day for a digest): it goes once. */
  key: string;
  user_id: number;
  request_id: number | null;
  subject: string;
  body: string;
  message_id: string;
  status: Generated<ReminderStatus>;
  attempts: Generated<number>;
  claimed_until: Timestamp | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  last_error: string | null;
}

/** What became of one mention in a comment, decided when it was posted (docs/workflow.md). */
export interface StoredMention {
  /** The address as written after `@`, lower-cased. */
  email: string;
  user_id: number | null;
  notified: boolean;
  /** Why not, when not notified. */
  reason: 'unknown_address' | 'disabled' | 'cannot_see' | 'self' | null;
}

/** One comment of a request's internal thread: never changed once posted (a database trigger refuses it). */
export interface RequestCommentsTable {
  id: Generated<number>;
  request_id: number;
  /** The actor's audit label (`user:3 (ana@example.com)`, `cli:root`). */
  author: string;
  author_user_id: number | null;
  body: string;
  mentions: ColumnType<StoredMention[], string, never>;
  created_at: Timestamp;
}
export type RequestCommentRow = Selectable<RequestCommentsTable>;

/** One entry of a request's correspondence log with the agency: never changed once recorded. */
export interface RequestCorrespondenceTable {
  id: Generated<number>;
  request_id: number;
  direction: CorrespondenceDirection;
  occurred_at: Timestamp;
  channel: CorrespondenceChannel;
  counterpart: string;
  summary: string;
  document_id: number | null;
  recorded_by: string;
  recorded_by_user_id: number | null;
  recorded_at: Timestamp;
}
export type RequestCorrespondenceRow = Selectable<RequestCorrespondenceTable>;

export interface Database extends PortalTables {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  agencies: AgenciesTable;
  requests: RequestsTable;
  request_targets: RequestTargetsTable;
  nondisclosure_orders: NondisclosureOrdersTable;
  court_challenges: CourtChallengesTable;
  audit_events: AuditEventsTable;
  audit_pending: AuditPendingTable;
  emergency_records: EmergencyRecordsTable;
  request_approvals: RequestApprovalsTable;
  request_responses: RequestResponsesTable;
  production_overrides: ProductionOverridesTable;
  history_overrides: HistoryOverridesTable;
  import_batches: ImportBatchesTable;
  import_staged_requests: ImportStagedRequestsTable;
  preservation_holds: PreservationHoldsTable;
  customer_contacts: CustomerContactsTable;
  notice_templates: NoticeTemplatesTable;
  notice_outbox: NoticeOutboxTable;
  report_versions: ReportVersionsTable;
  report_version_files: ReportVersionFilesTable;
  sessions: SessionsTable;
  setup_tokens: SetupTokensTable;
  login_attempts: LoginAttemptsTable;
  settings: SettingsTable;
  documents: DocumentsTable;
  productions: ProductionsTable;
  production_files: ProductionFilesTable;
  certification_templates: CertificationTemplatesTable;
  reminder_outbox: ReminderOutboxTable;
  restricted_grants: RestrictedGrantsTable;
  request_comments: RequestCommentsTable;
  request_correspondence: RequestCorrespondenceTable;
}

export type RequestRow = Selectable<RequestsTable>;
export type NewRequestRow = Insertable<RequestsTable>;
export type RequestUpdate = Updateable<RequestsTable>;
export type AgencyRow = Selectable<AgenciesTable>;
export type UserRow = Selectable<UsersTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type NdoRow = Selectable<NondisclosureOrdersTable>;
export type ChallengeRow = Selectable<CourtChallengesTable>;
export type TargetRow = Selectable<RequestTargetsTable>;
export type EmergencyRecordRow = Selectable<EmergencyRecordsTable>;
export type ApprovalRow = Selectable<RequestApprovalsTable>;
export type ResponseRow = Selectable<RequestResponsesTable>;
export type OverrideRow = Selectable<ProductionOverridesTable>;
export type HoldRow = Selectable<PreservationHoldsTable>;
export type ContactRow = Selectable<CustomerContactsTable>;
export type NoticeTemplateRow = Selectable<NoticeTemplatesTable>;
export type OutboxRow = Selectable<NoticeOutboxTable>;
export type SessionRow = Selectable<SessionsTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type ProductionRow = Selectable<ProductionsTable>;
