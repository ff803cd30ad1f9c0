/** The duty roster's tables: shifts and handover notes (see ../duty-repository.ts). */
import type { Migration } from '../../store/sqlite/database.ts';

export const dutyMigrations: readonly Migration[] = [
	{
		id: 'duty/001-shifts-handovers',
		sql: `
			CREATE TABLE duty_shifts (
				id TEXT PRIMARY KEY,
				org_id TEXT NOT NULL,
				starts_at INTEGER NOT NULL,
				ends_at INTEGER NOT NULL,
				officer_name TEXT NOT NULL,
				officer_phone TEXT NOT NULL,
				leader_name TEXT NOT NULL,
				leader_phone TEXT NOT NULL,
				note TEXT NOT NULL DEFAULT '',
				created_by TEXT NOT NULL,
				created_at INTEGER NOT NULL
			);
			CREATE INDEX duty_shifts_org ON duty_shifts(org_id, starts_at);
			CREATE TABLE duty_handovers (
				id TEXT PRIMARY KEY,
				org_id TEXT NOT NULL,
				outgoing_name TEXT NOT NULL,
				incoming_name TEXT NOT NULL,
				open_warnings TEXT NOT NULL,
				open_tasks TEXT NOT NULL,
				watch TEXT NOT NULL,
				written_at INTEGER NOT NULL,
				written_by TEXT NOT NULL,
				confirmed_at INTEGER,
				confirmed_by TEXT
			);
			CREATE INDEX duty_handovers_org ON duty_handovers(org_id, written_at);
		`
	}
];
