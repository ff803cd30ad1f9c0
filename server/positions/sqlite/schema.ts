/** The `position_fixes` table: the embedded TrackRepository. */
import type { Migration } from '../../store/sqlite/database.ts';

export const trackMigrations: readonly Migration[] = [
	{
		id: 'positions/001-fixes',
		sql: `
			CREATE TABLE position_fixes (
				incident_id TEXT NOT NULL,
				user_id TEXT NOT NULL,
				at INTEGER NOT NULL,
				org_id TEXT NOT NULL,
				lon REAL NOT NULL,
				lat REAL NOT NULL,
				accuracy REAL,
				received_at INTEGER NOT NULL,
				PRIMARY KEY (incident_id, user_id, at)
			) WITHOUT ROWID;
			CREATE INDEX position_fixes_time ON position_fixes(incident_id, at);
		`
	}
];
