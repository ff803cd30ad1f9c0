/**
 * The identity tables in PostgreSQL (DATABASE_URL), the same as SQLite's (../sqlite/schema.ts):
 * organisations with the record of their changes, users, sessions and the server's secrets.
 * Usernames are unique whatever their case (a unique index on lower(username)); ids sort as
 * SQLite sorts them (COLLATE "C").
 */
import type { PgMigration } from '../../store/postgres/database.ts';

export const identityPgMigrations: readonly PgMigration[] = [
	{
		id: 'identity/001-organisations-users-sessions',
		sql: `
			CREATE TABLE organisations (
				id TEXT COLLATE "C" PRIMARY KEY,
				name TEXT NOT NULL,
				kind TEXT NOT NULL,
				parent_id TEXT REFERENCES organisations(id),
				township TEXT,
				code TEXT,
				sort INTEGER NOT NULL DEFAULT 0,
				active BOOLEAN NOT NULL DEFAULT TRUE
			);
			CREATE INDEX organisations_parent ON organisations(parent_id);
			CREATE TABLE organisation_changes (
				seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				org_id TEXT NOT NULL,
				at BIGINT NOT NULL,
				by_user_id TEXT,
				before TEXT,
				after TEXT NOT NULL
			);
			CREATE INDEX organisation_changes_org ON organisation_changes(org_id, seq);
			CREATE TABLE users (
				id TEXT PRIMARY KEY,
				username TEXT NOT NULL,
				display_name TEXT NOT NULL,
				org_id TEXT NOT NULL REFERENCES organisations(id),
				role TEXT NOT NULL,
				password_hash TEXT NOT NULL,
				active BOOLEAN NOT NULL DEFAULT TRUE,
				demo BOOLEAN NOT NULL DEFAULT FALSE,
				created_at BIGINT NOT NULL,
				updated_at BIGINT NOT NULL
			);
			CREATE UNIQUE INDEX users_username ON users (lower(username));
			CREATE TABLE sessions (
				id TEXT PRIMARY KEY,
				user_id TEXT NOT NULL REFERENCES users(id),
				token_hash TEXT NOT NULL UNIQUE,
				previous_token_hash TEXT,
				previous_valid_until BIGINT,
				csrf_token TEXT NOT NULL,
				created_at BIGINT NOT NULL,
				issued_at BIGINT NOT NULL,
				last_seen_at BIGINT NOT NULL,
				expires_at BIGINT NOT NULL,
				revoked_at BIGINT,
				address TEXT
			);
			CREATE INDEX sessions_user ON sessions(user_id);
			CREATE INDEX sessions_previous ON sessions(previous_token_hash);
			CREATE TABLE identity_secrets (
				name TEXT PRIMARY KEY,
				value BYTEA NOT NULL
			);
		`
	}
];
