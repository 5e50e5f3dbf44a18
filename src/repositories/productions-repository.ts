import { sql } from 'kysely';
import type { Db } from '../db/connect.ts';
import type { DataSought } from '../domain/vocabulary.ts';

const pgArray = (values: readonly string[]) =>
  `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;

export interface NewProduction {
  requestId: number;
  producedAt: Date;
  producedBy: string;
  accounts: string[];
  dataCategories: DataSought[];
  manifest: string;
  manifestSha256: string;
  certification: string | null;
  certificationSha256: string | null;
  documentIds: number[];
}

export async function nextProductionNumber(trx: Db, requestId: number): Promise<number> {
  const r = await trx
    .selectFrom('productions')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('request_id', '=', requestId)
    .executeTakeFirst();
  return Number(r?.n ?? 0) + 1;
}

export async function insertProduction(trx: Db, p: NewProduction & { number: number }): Promise<number> {
  const r = await sql<{ id: number }>`
    insert into productions (request_id, number, produced_at, produced_by, accounts, data_categories, manifest,
      manifest_sha256, certification, certification_sha256)
    values (${p.requestId}, ${p.number}, ${p.producedAt}, ${p.producedBy}, ${pgArray(p.accounts)}::text[],
      ${pgArray(p.dataCategories)}::data_sought[], ${p.manifest}, ${p.manifestSha256}, ${p.certification},
      ${p.certificationSha256})
    returning id`.execute(trx);
  const id = r.rows[0]!.id;
  await trx
    .insertInto('production_files')
    .values(p.documentIds.map((d, i) => ({ production_id: id, document_id: d, position: i })))
    .execute();
  return id;
}

export interface ProductionView {
  id: number;
  request_id: number;
  number: number;
  produced_at: Date;
  produced_by: string;
  accounts: string[];
  data_categories: DataSought[];
  manifest: string;
  manifest_sha256: string;
  certification: string | null;
  certification_sha256: string | null;
  document_ids: number[];
}

function productionsWhere(db: Db) {
  return db
    .selectFrom('productions as p')
    .select([
      'p.id',
      'p.request_id',
      'p.number',
      'p.produced_at',
      'p.produced_by',
      'p.accounts',
      sql<DataSought[]>`p.data_categories::text[]`.as('data_categories'),
      'p.manifest',
      'p.manifest_sha256',
      'p.certification',
      'p.certification_sha256',
      sql<
        number[]
      >`array(select f.document_id from production_files f where f.production_id = p.id order by f.position)`.as(
        'document_ids',
      ),
    ]);
}

// `pg` reads an int8[] as strings.
const withIds = <T extends { document_ids: Array<number | string> }>(p: T): T => ({
  ...p,
  document_ids: p.document_ids.map(Number),
});

export async function productionsOf(db: Db, requestId: number): Promise<ProductionView[]> {
  return (await productionsWhere(db).where('p.request_id', '=', requestId).orderBy('p.number').execute()).map(
    withIds,
  );
}

export async function findProduction(db: Db, id: number): Promise<ProductionView | undefined> {
  const p = await productionsWhere(db).where('p.id', '=', id).executeTakeFirst();
  return p && withIds(p);
}

/** The documents of a request that some production already includes. */
export async function producedDocumentIds(db: Db, requestId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('production_files as f')
    .innerJoin('productions as p', 'p.id', 'f.production_id')
    .select('f.document_id')
    .where('p.request_id', '=', requestId)
    .execute();
  return new Set(rows.map((r) => r.document_id));
}

export function currentCertificationTemplate(db: Db) {
  return db
    .selectFrom('certification_templates')
    .selectAll()
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertCertificationTemplate(
  trx: Db,
  t: { body: string; by: string; at: Date },
): Promise<number> {
  const cur = await currentCertificationTemplate(trx);
  const version = (cur?.version ?? 0) + 1;
  await trx
    .insertInto('certification_templates')
    .values({ body: t.body, version, updated_by: t.by, updated_at: t.at })
    .execute();
  return version;
}
