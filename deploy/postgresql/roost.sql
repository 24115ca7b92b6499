-- Roost's database and its two roles (docs/deployment.md, "Runbook", step 2). Run once
-- as PostgreSQL's superuser:
--   sudo -u postgres psql -v owner=roost -v app=roost_app -v db=roost \
--     -v owner_password="$(openssl rand -hex 24)" -v app_password="$(openssl rand -hex 24)" \
--     -f deploy/postgresql/roost.sql
-- The owner migrates (ROOST_DATABASE_OWNER_URL); the server logs in as the app role, which
-- owns nothing, so row-level security binds it (the migration grants it row access).
\set ON_ERROR_STOP on
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE :"db" OWNER :"owner" ENCODING 'UTF8' TEMPLATE template0;
\connect :"db"
-- Search behind row-level security uses its index only with these marked LEAKPROOF
-- (a superuser's statement: docs/deployment.md, "Row-level security").
ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
ALTER FUNCTION pg_catalog.to_tsvector(regconfig, text) LEAKPROOF;
