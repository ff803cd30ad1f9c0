/**
 * The warnings' tables (see ../warning-repository.ts). Versions, acknowledgements, call records
 * and escalations are appended, never updated: the closed-loop record (叫应记录) is their rows.
 * A target's `escalated_at` is set once, in the same transaction as its escalation row, so the
 * server's escalation timer finds the next deadline with one indexed query after a restart.
 */
import type { Migration } from '../../store/sqlite/database.ts';

export const warningMigrations: readonly Migration[] = [
	{
		id: 'warnings/001-warnings-targets-acks-calls',
		sql: `
			CREATE TABLE warnings (
				id TEXT PRIMARY KEY,
				kind TEXT NOT NULL,
				issuer_org_id TEXT NOT NULL,
				incident_id TEXT,
				status TEXT NOT NULL DEFAULT 'active',
				current_version INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				created_at INTEGER NOT NULL
			);
			CREATE INDEX warnings_status ON warnings(status, created_at);
			CREATE TABLE warning_versions (
				warning_id TEXT NOT NULL REFERENCES warnings(id),
				version INTEGER NOT NULL,
				msg_type TEXT NOT NULL,
				identifier TEXT NOT NULL UNIQUE,
				sent_at INTEGER NOT NULL,
				by_user_id TEXT NOT NULL,
				title TEXT NOT NULL,
				event TEXT NOT NULL,
				level TEXT,
				urgency TEXT NOT NULL,
				certainty TEXT NOT NULL,
				instruction TEXT NOT NULL,
				area TEXT NOT NULL,
				effective INTEGER NOT NULL,
				expires INTEGER NOT NULL,
				reason TEXT,
				PRIMARY KEY (warning_id, version)
			);
			CREATE TABLE warning_targets (
				warning_id TEXT NOT NULL REFERENCES warnings(id),
				org_id TEXT NOT NULL,
				reached_at INTEGER NOT NULL,
				deadline_at INTEGER NOT NULL,
				acknowledged INTEGER NOT NULL DEFAULT 0,
				escalated_at INTEGER,
				PRIMARY KEY (warning_id, org_id)
			);
			CREATE INDEX warning_targets_org ON warning_targets(org_id);
			CREATE INDEX warning_targets_due ON warning_targets(deadline_at)
				WHERE acknowledged = 0 AND escalated_at IS NULL;
			CREATE TABLE warning_acks (
				warning_id TEXT NOT NULL,
				org_id TEXT NOT NULL,
				user_id TEXT NOT NULL,
				device_at INTEGER,
				server_at INTEGER NOT NULL,
				version INTEGER NOT NULL,
				PRIMARY KEY (warning_id, org_id)
			);
			CREATE TABLE warning_calls (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				warning_id TEXT NOT NULL,
				org_id TEXT NOT NULL,
				direction TEXT NOT NULL,
				caller TEXT NOT NULL,
				callee TEXT NOT NULL,
				phone TEXT NOT NULL,
				at INTEGER NOT NULL,
				answered INTEGER NOT NULL,
				note TEXT NOT NULL,
				recorded_by TEXT NOT NULL,
				recorded_at INTEGER NOT NULL
			);
			CREATE INDEX warning_calls_warning ON warning_calls(warning_id, id);
			CREATE TABLE warning_escalations (
				id INTEGER PRIMARY KEY AUTOINCREMENT,
				warning_id TEXT NOT NULL,
				org_id TEXT NOT NULL,
				at INTEGER NOT NULL,
				leader_name TEXT,
				leader_phone TEXT
			);
			CREATE INDEX warning_escalations_warning ON warning_escalations(warning_id, id);
			CREATE TABLE warning_serials (
				key TEXT PRIMARY KEY,
				n INTEGER NOT NULL
			);
		`
	},
	{
		id: 'warnings/002-dispatches',
		sql: `
			CREATE TABLE warning_dispatches (
				id TEXT PRIMARY KEY,
				warning_id TEXT NOT NULL,
				org_id TEXT,
				hook TEXT NOT NULL,
				event TEXT NOT NULL,
				body TEXT NOT NULL,
				attempts INTEGER NOT NULL DEFAULT 0,
				next_at INTEGER NOT NULL,
				claimed_until INTEGER,
				created_at INTEGER NOT NULL,
				done_at INTEGER,
				outcome TEXT
			);
			CREATE INDEX warning_dispatches_due ON warning_dispatches(next_at) WHERE done_at IS NULL;
			CREATE INDEX warning_dispatches_warning ON warning_dispatches(warning_id, created_at);
		`
	}
];
