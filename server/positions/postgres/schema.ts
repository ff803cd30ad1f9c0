/**
 * The `position_fixes` and `team_share_intervals` tables in PostgreSQL (DATABASE_URL), the same as
 * SQLite's (../sqlite/schema.ts).
 */
import type { PgMigration } from '../../store/postgres/database.ts';

export const trackPgMigrations: readonly PgMigration[] = [
	{
		id: 'positions/001-fixes',
		sql: `
			CREATE TABLE position_fixes (
				incident_id TEXT COLLATE "C" NOT NULL,
				user_id TEXT COLLATE "C" NOT NULL,
				at BIGINT NOT NULL,
				org_id TEXT NOT NULL,
				lon DOUBLE PRECISION NOT NULL,
				lat DOUBLE PRECISION NOT NULL,
				accuracy DOUBLE PRECISION,
				received_at BIGINT NOT NULL,
				PRIMARY KEY (incident_id, user_id, at)
			);
			CREATE INDEX position_fixes_time ON position_fixes(incident_id, at);
		`
	},
	{
		id: 'positions/002-team-intervals',
		sql: `
			CREATE TABLE team_share_intervals (
				org_id TEXT COLLATE "C" PRIMARY KEY,
				interval_ms INTEGER NOT NULL,
				set_by TEXT NOT NULL,
				set_at BIGINT NOT NULL
			);
		`
	},
	{
		id: 'positions/003-fixes-by-time',
		sql: `CREATE INDEX position_fixes_at ON position_fixes(at);`
	}
];
