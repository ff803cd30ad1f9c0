/**
 * The incident tables in PostgreSQL (DATABASE_URL), the same as SQLite's (../sqlite/schema.ts):
 * the index of every incident document's meta, its townships and its viewer grants.
 */
import type { PgMigration } from '../../store/postgres/database.ts';

export const incidentPgMigrations: readonly PgMigration[] = [
	{
		id: 'incidents/001-index-and-viewers',
		sql: `
			CREATE TABLE incidents (
				id TEXT COLLATE "C" PRIMARY KEY,
				name TEXT NOT NULL,
				type TEXT NOT NULL,
				severity TEXT NOT NULL,
				level TEXT NOT NULL,
				status TEXT NOT NULL,
				townships TEXT NOT NULL DEFAULT '[]',
				lon DOUBLE PRECISION,
				lat DOUBLE PRECISION,
				occurred_at TEXT COLLATE "C" NOT NULL,
				created_by TEXT,
				created_org_id TEXT,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL,
				closed_at BIGINT
			);
			CREATE INDEX incidents_status ON incidents(status, occurred_at);
			CREATE TABLE incident_townships (
				incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
				township TEXT NOT NULL,
				PRIMARY KEY (incident_id, township)
			);
			CREATE INDEX incident_townships_township ON incident_townships(township);
			CREATE TABLE incident_viewers (
				incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
				user_id TEXT NOT NULL,
				granted_by TEXT,
				granted_at BIGINT NOT NULL,
				PRIMARY KEY (incident_id, user_id)
			);
			CREATE INDEX incident_viewers_user ON incident_viewers(user_id);
		`
	}
];
