/**
 * The registers' tables in PostgreSQL (DATABASE_URL), the same as SQLite's (../sqlite/schema.ts):
 * the rows of every register (the register's own fields as JSONB, validated by the domain's
 * schemas), the record of every change, hazard points' loop steps and the commitments of teams and
 * equipment to incidents' tasks. Codes sort byte-wise (COLLATE "C"), as SQLite sorts them.
 */
import type { PgMigration } from '../../store/postgres/database.ts';

export const registerPgMigrations: readonly PgMigration[] = [
	{
		id: 'registers/001-rows-changes-hazard-steps',
		sql: `
			CREATE TABLE register_rows (
				register TEXT NOT NULL,
				id TEXT NOT NULL,
				code TEXT COLLATE "C" NOT NULL,
				name TEXT NOT NULL,
				township TEXT,
				owner_org_id TEXT,
				lon DOUBLE PRECISION,
				lat DOUBLE PRECISION,
				demo BOOLEAN NOT NULL DEFAULT false,
				data JSONB NOT NULL,
				status TEXT,
				status_detail TEXT,
				status_at TEXT,
				due_at TEXT COLLATE "C",
				version INTEGER NOT NULL,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL,
				CONSTRAINT register_rows_pkey PRIMARY KEY (register, id),
				CONSTRAINT register_rows_code UNIQUE (register, code)
			);
			CREATE INDEX register_rows_township ON register_rows(register, township);
			CREATE INDEX register_rows_owner ON register_rows(register, owner_org_id);
			CREATE INDEX register_rows_status ON register_rows(register, status);
			CREATE INDEX register_rows_due ON register_rows(register, due_at);
			CREATE INDEX register_rows_position ON register_rows(register, lon, lat);
			CREATE TABLE register_changes (
				seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				register TEXT NOT NULL,
				row_id TEXT NOT NULL,
				at BIGINT NOT NULL,
				by_user_id TEXT,
				action TEXT NOT NULL,
				before JSONB,
				after JSONB
			);
			CREATE INDEX register_changes_row ON register_changes(register, row_id, seq);
			CREATE TABLE hazard_steps (
				seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				hazard_id TEXT NOT NULL,
				from_status TEXT NOT NULL,
				to_status TEXT NOT NULL,
				at BIGINT NOT NULL,
				by_user_id TEXT,
				note TEXT NOT NULL,
				due_at TEXT
			);
			CREATE INDEX hazard_steps_hazard ON hazard_steps(hazard_id, seq);
			CREATE TABLE register_commitments (
				seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				id TEXT NOT NULL UNIQUE,
				incident_id TEXT NOT NULL,
				task_id TEXT NOT NULL,
				register TEXT NOT NULL,
				row_id TEXT NOT NULL,
				quantity INTEGER NOT NULL,
				by_user_id TEXT NOT NULL,
				at BIGINT NOT NULL,
				released_at BIGINT,
				released_by TEXT
			);
			CREATE INDEX register_commitments_row ON register_commitments(register, row_id, released_at);
			CREATE INDEX register_commitments_incident ON register_commitments(incident_id, released_at);
		`
	}
];
