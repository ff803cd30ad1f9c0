/**
 * The warnings' tables in PostgreSQL (DATABASE_URL), the same as SQLite's (../sqlite/schema.ts).
 * Versions, acknowledgements, call records and escalations are appended, never updated. A target's
 * `escalated_at` is set once, by a conditional UPDATE in the same transaction as its escalation
 * row, so when several nodes run the escalation timer on one database each target is escalated
 * once: the row lock makes the second UPDATE wait, re-read the row and match nothing.
 */
import type { PgMigration } from '../../store/postgres/database.ts';

export const warningPgMigrations: readonly PgMigration[] = [
	{
		id: 'warnings/001-warnings-targets-acks-calls',
		sql: `
			CREATE TABLE warnings (
				id TEXT COLLATE "C" PRIMARY KEY,
				kind TEXT NOT NULL,
				issuer_org_id TEXT NOT NULL,
				incident_id TEXT,
				status TEXT NOT NULL DEFAULT 'active',
				current_version INTEGER NOT NULL,
				expires_at BIGINT NOT NULL,
				created_at BIGINT NOT NULL
			);
			CREATE INDEX warnings_status ON warnings(status, created_at);
			CREATE TABLE warning_versions (
				warning_id TEXT COLLATE "C" NOT NULL REFERENCES warnings(id),
				version INTEGER NOT NULL,
				msg_type TEXT NOT NULL,
				identifier TEXT NOT NULL UNIQUE,
				sent_at BIGINT NOT NULL,
				by_user_id TEXT NOT NULL,
				title TEXT NOT NULL,
				event TEXT NOT NULL,
				level TEXT,
				urgency TEXT NOT NULL,
				certainty TEXT NOT NULL,
				instruction TEXT NOT NULL,
				area TEXT NOT NULL,
				effective BIGINT NOT NULL,
				expires BIGINT NOT NULL,
				reason TEXT,
				PRIMARY KEY (warning_id, version)
			);
			CREATE TABLE warning_targets (
				warning_id TEXT COLLATE "C" NOT NULL REFERENCES warnings(id),
				org_id TEXT NOT NULL,
				position INTEGER NOT NULL,
				reached_at BIGINT NOT NULL,
				deadline_at BIGINT NOT NULL,
				acknowledged BOOLEAN NOT NULL DEFAULT FALSE,
				escalated_at BIGINT,
				PRIMARY KEY (warning_id, org_id)
			);
			CREATE INDEX warning_targets_org ON warning_targets(org_id);
			CREATE INDEX warning_targets_due ON warning_targets(deadline_at)
				WHERE NOT acknowledged AND escalated_at IS NULL;
			CREATE TABLE warning_acks (
				warning_id TEXT COLLATE "C" NOT NULL,
				org_id TEXT NOT NULL,
				user_id TEXT NOT NULL,
				device_at BIGINT,
				server_at BIGINT NOT NULL,
				version INTEGER NOT NULL,
				PRIMARY KEY (warning_id, org_id)
			);
			CREATE TABLE warning_calls (
				id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				warning_id TEXT COLLATE "C" NOT NULL,
				org_id TEXT NOT NULL,
				direction TEXT NOT NULL,
				caller TEXT NOT NULL,
				callee TEXT NOT NULL,
				phone TEXT NOT NULL,
				at BIGINT NOT NULL,
				answered BOOLEAN NOT NULL,
				note TEXT NOT NULL,
				recorded_by TEXT NOT NULL,
				recorded_at BIGINT NOT NULL
			);
			CREATE INDEX warning_calls_warning ON warning_calls(warning_id, id);
			CREATE TABLE warning_escalations (
				id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				warning_id TEXT COLLATE "C" NOT NULL,
				org_id TEXT NOT NULL,
				at BIGINT NOT NULL,
				leader_name TEXT,
				leader_phone TEXT
			);
			CREATE INDEX warning_escalations_warning ON warning_escalations(warning_id, id);
			CREATE TABLE warning_serials (
				key TEXT COLLATE "C" PRIMARY KEY,
				n INTEGER NOT NULL
			);
		`
	},
	{
		id: 'warnings/002-dispatches',
		sql: `
			CREATE TABLE warning_dispatches (
				id TEXT COLLATE "C" PRIMARY KEY,
				warning_id TEXT COLLATE "C" NOT NULL,
				org_id TEXT,
				hook TEXT NOT NULL,
				event TEXT NOT NULL,
				body TEXT NOT NULL,
				attempts INTEGER NOT NULL DEFAULT 0,
				next_at BIGINT NOT NULL,
				claimed_until BIGINT,
				created_at BIGINT NOT NULL,
				done_at BIGINT,
				outcome TEXT
			);
			CREATE INDEX warning_dispatches_due ON warning_dispatches(next_at) WHERE done_at IS NULL;
			CREATE INDEX warning_dispatches_warning ON warning_dispatches(warning_id, created_at);
		`
	}
];
