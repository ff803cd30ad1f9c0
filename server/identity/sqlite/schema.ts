/**
 * The identity tables in SQLite: organisations (with the record of their changes), users,
 * sessions and the server's secrets. They
 * live in the same database as the document log; SQL stays in the repositories beside this
 * file so that a PostgreSQL implementation can replace them without touching callers.
 */
import type { Migration } from '../../store/sqlite/database.ts';

export const identityMigrations: readonly Migration[] = [
	{
		id: 'identity/001-organisations-users-sessions',
		sql: `
			CREATE TABLE organisations (
				id TEXT PRIMARY KEY,
				name TEXT NOT NULL,
				kind TEXT NOT NULL,
				parent_id TEXT REFERENCES organisations(id),
				township TEXT,
				code TEXT,
				sort INTEGER NOT NULL DEFAULT 0
			);
			CREATE INDEX organisations_parent ON organisations(parent_id);
			CREATE TABLE users (
				id TEXT PRIMARY KEY,
				username TEXT NOT NULL UNIQUE COLLATE NOCASE,
				display_name TEXT NOT NULL,
				org_id TEXT NOT NULL REFERENCES organisations(id),
				role TEXT NOT NULL,
				password_hash TEXT NOT NULL,
				active INTEGER NOT NULL DEFAULT 1,
				demo INTEGER NOT NULL DEFAULT 0,
				created_at INTEGER NOT NULL,
				updated_at INTEGER NOT NULL
			);
			CREATE TABLE sessions (
				id TEXT PRIMARY KEY,
				user_id TEXT NOT NULL REFERENCES users(id),
				token_hash TEXT NOT NULL UNIQUE,
				previous_token_hash TEXT,
				previous_valid_until INTEGER,
				csrf_token TEXT NOT NULL,
				created_at INTEGER NOT NULL,
				issued_at INTEGER NOT NULL,
				last_seen_at INTEGER NOT NULL,
				expires_at INTEGER NOT NULL,
				revoked_at INTEGER,
				address TEXT
			);
			CREATE INDEX sessions_user ON sessions(user_id);
			CREATE INDEX sessions_previous ON sessions(previous_token_hash);
			CREATE TABLE identity_secrets (
				name TEXT PRIMARY KEY,
				value BLOB NOT NULL
			);
		`
	},
	{
		// Administrators change the tree: organisations are deactivated, never deleted (old tasks and
		// records name them), and every change is recorded with who made it and the state before
		// and after (JSON of the fields a change touches).
		id: 'identity/002-organisation-changes',
		sql: `
			ALTER TABLE organisations ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
			CREATE TABLE organisation_changes (
				seq INTEGER PRIMARY KEY AUTOINCREMENT,
				org_id TEXT NOT NULL,
				at INTEGER NOT NULL,
				by_user_id TEXT,
				before TEXT,
				after TEXT NOT NULL
			);
			CREATE INDEX organisation_changes_org ON organisation_changes(org_id, seq);
		`
	}
];
