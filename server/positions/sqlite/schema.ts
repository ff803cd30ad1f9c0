/**
 * The `position_fixes` table (the embedded TrackRepository, with an index by time alone for the
 * retention purge) and `team_share_intervals` (the TeamIntervalRepository).
 */
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
	},
	{
		id: 'positions/002-team-intervals',
		sql: `
			CREATE TABLE team_share_intervals (
				org_id TEXT PRIMARY KEY,
				interval_ms INTEGER NOT NULL,
				set_by TEXT NOT NULL,
				set_at INTEGER NOT NULL
			);
		`
	},
	{
		id: 'positions/003-fixes-by-time',
		sql: `CREATE INDEX position_fixes_at ON position_fixes(at);`
	}
];
