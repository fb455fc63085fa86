import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What search needs to stay fast at a million resources:
 * - a name-only text index over listed rows, so relevance can take its candidates from name matches first;
 * - a vocabulary of the words in names and tags, kept by statement-level triggers, so a misspelt query word
 *   is corrected against a few thousand words instead of comparing trigrams with every name.
 * The trigram index on every name is dropped: nothing reads it any more and every write paid for it.
 */
export class SearchScale1795570000000 implements MigrationInterface {
  name = 'SearchScale1795570000000';

  async up(q: QueryRunner): Promise<void> {
    // Index builds and the backfill take longer than a request guard on a large catalog.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`
      CREATE INDEX resources_listed_name_fts_idx ON catalog.resources
        USING gin (to_tsvector('english'::regconfig, name)) WHERE status = 'listed'`);
    await q.query(`DROP INDEX IF EXISTS catalog.resources_name_trgm_idx`);
    await q.query(`CREATE TABLE catalog.search_words (word text PRIMARY KEY)`);
    await q.query(`CREATE INDEX search_words_trgm_idx ON catalog.search_words USING gist (word gist_trgm_ops)`);
    // Numbers and very short words are never corrected, so they stay out of the vocabulary.
    await q.query(`
      CREATE FUNCTION catalog.search_words_of(name text, tags text[]) RETURNS SETOF text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT DISTINCT w FROM regexp_split_to_table(lower(name || ' ' || array_to_string(tags, ' ')), '[^[:alnum:]]+') AS w
        WHERE length(w) BETWEEN 3 AND 40 AND w !~ '^[0-9]+$'
      $$`);
    await q.query(`
      CREATE FUNCTION catalog.collect_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO catalog.search_words (word)
        SELECT DISTINCT w FROM changed, catalog.search_words_of(changed.name, changed.tags) AS w
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    // Transition tables allow one event per trigger; words are only ever added (a stale word merely fails to match).
    await q.query(`
      CREATE TRIGGER resources_words_insert AFTER INSERT ON catalog.resources
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION catalog.collect_search_words()`);
    await q.query(`
      CREATE TRIGGER resources_words_update AFTER UPDATE ON catalog.resources
        REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION catalog.collect_search_words()`);
    await q.query(`
      INSERT INTO catalog.search_words (word)
      SELECT DISTINCT w FROM catalog.resources r, catalog.search_words_of(r.name, r.tags) AS w
      ON CONFLICT DO NOTHING`);
    await q.query(`ANALYZE catalog.search_words`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS resources_words_update ON catalog.resources`);
    await q.query(`DROP TRIGGER IF EXISTS resources_words_insert ON catalog.resources`);
    await q.query(`DROP FUNCTION IF EXISTS catalog.collect_search_words()`);
    await q.query(`DROP FUNCTION IF EXISTS catalog.search_words_of(text, text[])`);
    await q.query(`DROP TABLE IF EXISTS catalog.search_words`);
    await q.query(`CREATE INDEX resources_name_trgm_idx ON catalog.resources USING gin (lower(name) gin_trgm_ops)`);
    await q.query(`DROP INDEX IF EXISTS catalog.resources_listed_name_fts_idx`);
  }
}
