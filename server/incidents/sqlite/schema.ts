/**
 * The incident tables. `incidents` is an index of every incident document's meta, for listing,
 * filtering and access checks; the document stays the live truth and the index follows it
 * (see ../index-sync.ts). `incident_viewers` lists which incidents each viewer-role user was given.
 */
import type { Migration } from '../../store/sqlite/database.ts';

export const incidentMigrations: readonly Migration[] = [
	{
		id: 'incidents/001-index-and-viewers',
		sql: `
			CREATE TABLE incidents (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				type TEXT NOT NULL,
				severity TEXT NOT NULL,
				level TEXT NOT NULL,
				status TEXT NOT NULL,
				townships TEXT NOT NULL DEFAULT '[]',
				lon REAL,
				lat REAL,
				occurred_at TEXT NOT NULL,
				created_by TEXT,
				created_org_id TEXT,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL,
				closed_at INTEGER
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
				granted_at INTEGER NOT NULL,
				PRIMARY KEY (incident_id, user_id)
			);
			CREATE INDEX incident_viewers_user ON incident_viewers(user_id);
		`
	}
];
