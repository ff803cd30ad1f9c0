/**
 * The registers' tables in SQLite: one table of rows for every register (the columns every
 * register filters on, the register's own fields as JSON validated by the domain's schemas), the
 * record of every change (who, when, the row before and after), the steps of hazard points'
 * rectification loops and the commitments of teams and equipment to tasks. SQL stays in
 * sqlite/register-repository.ts; postgres/schema.ts has the same tables.
 */
import type { Migration } from '../../store/sqlite/database.ts';

export const registerMigrations: readonly Migration[] = [
	{
		id: 'registers/001-rows-changes-hazard-steps',
		sql: `
			CREATE TABLE register_rows (
				register TEXT NOT NULL,
				id TEXT NOT NULL,
				code TEXT NOT NULL,
				name TEXT NOT NULL,
				township TEXT,
				owner_org_id TEXT,
				lon REAL,
				lat REAL,
				demo INTEGER NOT NULL DEFAULT 0,
				data TEXT NOT NULL,
				status TEXT,
				status_detail TEXT,
				status_at TEXT,
				due_at TEXT,
				version INTEGER NOT NULL,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL,
				PRIMARY KEY (register, id),
				UNIQUE (register, code)
			);
			CREATE INDEX register_rows_township ON register_rows(register, township);
			CREATE INDEX register_rows_owner ON register_rows(register, owner_org_id);
			CREATE TABLE register_changes (
				seq INTEGER PRIMARY KEY AUTOINCREMENT,
				register TEXT NOT NULL,
				row_id TEXT NOT NULL,
				at INTEGER NOT NULL,
				by_user_id TEXT,
				action TEXT NOT NULL,
				before TEXT,
				after TEXT
			);
			CREATE INDEX register_changes_row ON register_changes(register, row_id, seq);
			CREATE TABLE hazard_steps (
				seq INTEGER PRIMARY KEY AUTOINCREMENT,
				hazard_id TEXT NOT NULL,
				from_status TEXT NOT NULL,
				to_status TEXT NOT NULL,
				at INTEGER NOT NULL,
				by_user_id TEXT,
				note TEXT NOT NULL,
				due_at TEXT
			);
			CREATE INDEX hazard_steps_hazard ON hazard_steps(hazard_id, seq);
		`
	},
	{
		// Lists filter by status (a hazard point's loop, a camera's health) and by due date.
		id: 'registers/002-status-index',
		sql: `
			CREATE INDEX register_rows_status ON register_rows(register, status);
			CREATE INDEX register_rows_due ON register_rows(register, due_at);
		`
	},
	{
		// Teams and equipment committed to incidents' tasks; "nearby" filters rows by position.
		id: 'registers/003-commitments-positions',
		sql: `
			CREATE TABLE register_commitments (
				seq INTEGER PRIMARY KEY AUTOINCREMENT,
				id TEXT NOT NULL UNIQUE,
				incident_id TEXT NOT NULL,
				task_id TEXT NOT NULL,
				register TEXT NOT NULL,
				row_id TEXT NOT NULL,
				quantity INTEGER NOT NULL,
				by_user_id TEXT NOT NULL,
				at INTEGER NOT NULL,
				released_at INTEGER,
				released_by TEXT
			);
			CREATE INDEX register_commitments_row ON register_commitments(register, row_id, released_at);
			CREATE INDEX register_commitments_incident ON register_commitments(incident_id, released_at);
			CREATE INDEX register_rows_position ON register_rows(register, lon, lat);
		`
	}
];
