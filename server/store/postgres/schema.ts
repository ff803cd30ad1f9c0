/**
 * The document log and snapshots in PostgreSQL. `doc_heads` holds each room's last sequence
 * number: the appending transaction raises it (its row lock orders the writers of one room), so
 * a room's numbers are gapless and commit in order; a global sequence would let 11 commit before
 * 10 and a reader skip an entry. Text keys use the "C" collation, so they sort as SQLite sorts.
 */
import type { PgMigration } from './database.ts';

export const docLogPgMigrations: readonly PgMigration[] = [
	{
		id: 'docs/001-log-and-snapshots',
		sql: `
			CREATE TABLE doc_heads (
				room TEXT COLLATE "C" PRIMARY KEY,
				head_seq BIGINT NOT NULL
			);
			CREATE TABLE doc_updates (
				room TEXT COLLATE "C" NOT NULL,
				seq BIGINT NOT NULL,
				at BIGINT NOT NULL,
				user_id TEXT,
				org_id TEXT,
				connection_id TEXT,
				size INTEGER NOT NULL,
				data BYTEA NOT NULL,
				PRIMARY KEY (room, seq)
			);
			CREATE TABLE doc_snapshots (
				room TEXT COLLATE "C" NOT NULL,
				seq BIGINT NOT NULL,
				at BIGINT NOT NULL,
				data BYTEA NOT NULL,
				state_vector BYTEA,
				PRIMARY KEY (room, seq)
			);
		`
	},
	{
		// One owner node per room (incident) at a time (./leases.ts): who, under which fencing epoch,
		// until when (the database's clock, so the nodes' clocks do not matter).
		id: 'docs/002-room-leases',
		sql: `
			CREATE TABLE room_leases (
				room TEXT COLLATE "C" PRIMARY KEY,
				node TEXT NOT NULL,
				epoch BIGINT NOT NULL,
				expires_at TIMESTAMPTZ NOT NULL
			);
		`
	}
];
