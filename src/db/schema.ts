import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  AgencyKind,
  AgencyLevel,
  CaseClass,
  Channel,
  DataSought,
  DeliveryMethod,
  DemandKind,
  DsaCategory,
  NdoAuthority,
  NoticeStatus,
  Outcome,
  ProcessType,
  RequestStatus,
  RequesterClass,
  Role,
} from '../domain/vocabulary.ts';

/** A timestamptz: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type AccountResult = 'produced' | 'preserved' | 'restricted' | 'no_data' | 'not_produced';
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
  acknowledged_at: Timestamp | null;
  effect_given_at: Timestamp | null;
  status: Generated<RequestStatus>;
  outcome: Outcome | null;
  responded_at: Timestamp | null;
  notice_status: Generated<NoticeStatus>;
  data_location: string | null;
  notes: string | null;
  assigned_to: number | null;
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

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  stage: 'second_factor' | 'signed_in';
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  csrf_secret: string;
  user_agent: string | null;
}

export interface SetupTokensTable {
  token_hash: string;
  user_id: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  account: string;
  ip: string;
  at: Timestamp;
}

export interface Database {
  users: UsersTable;
  api_tokens: ApiTokensTable;
  agencies: AgenciesTable;
  requests: RequestsTable;
  request_targets: RequestTargetsTable;
  nondisclosure_orders: NondisclosureOrdersTable;
  audit_events: AuditEventsTable;
  sessions: SessionsTable;
  setup_tokens: SetupTokensTable;
  login_failures: LoginFailuresTable;
}

export type RequestRow = Selectable<RequestsTable>;
export type NewRequestRow = Insertable<RequestsTable>;
export type RequestUpdate = Updateable<RequestsTable>;
export type AgencyRow = Selectable<AgenciesTable>;
export type UserRow = Selectable<UsersTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type NdoRow = Selectable<NondisclosureOrdersTable>;
export type TargetRow = Selectable<RequestTargetsTable>;
export type SessionRow = Selectable<SessionsTable>;
