import pg from 'pg';

// `pg` returns int8 (count(*), bigint ids) as strings and dates as local-midnight Date objects: read int8 and
// numeric as numbers (our counts and ids stay far below 2^53) and keep SQL `date` values as 'YYYY-MM-DD'.
// Every pool Candor opens comes from this module, so the parsers are always in place.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);

export default pg;
