/** The duty roster's tables in PostgreSQL (DATABASE_URL), the same as SQLite's (../sqlite/schema.ts). */
import type { PgMigration } from '../../store/postgres/database.ts';

export const dutyPgMigrations: readonly PgMigration[] = [
	{
		id: 'duty/001-shifts-handovers',
		sql: `
			CREATE TABLE duty_shifts (
				id TEXT COLLATE "C" PRIMARY KEY,
				org_id TEXT NOT NULL,
				starts_at BIGINT NOT NULL,
				ends_at BIGINT NOT NULL,
				officer_name TEXT NOT NULL,
				officer_phone TEXT NOT NULL,
				leader_name TEXT NOT NULL,
				leader_phone TEXT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				created_by TEXT NOT NULL,
				created_at BIGINT NOT NULL
			);
			CREATE INDEX duty_shifts_org ON duty_shifts(org_id, starts_at);
			CREATE TABLE duty_handovers (
				id TEXT COLLATE "C" PRIMARY KEY,
				org_id TEXT NOT NULL,
				outgoing_name TEXT NOT NULL,
				incoming_name TEXT NOT NULL,
				open_warnings TEXT NOT NULL,
				open_tasks TEXT NOT NULL,
				watch TEXT NOT NULL,
				written_at BIGINT NOT NULL,
				written_by TEXT NOT NULL,
				confirmed_at BIGINT,
				confirmed_by TEXT
			);
			CREATE INDEX duty_handovers_org ON duty_handovers(org_id, written_at);
		`
	}
];
