-- Runs once, when the compose Postgres volume is first initialised.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
