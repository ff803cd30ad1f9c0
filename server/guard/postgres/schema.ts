/**
 * The guard's tables in PostgreSQL (DATABASE_URL), the same as SQLite's: attribution rows
 * (`doc_changes`, ../sqlite/attribution-store.ts) and client-id owners (`doc_client_owners`,
 * ../sqlite/client-owners.ts). No backfill: the PostgreSQL log never existed without owners.
 */
import type { PgMigration } from '../../store/postgres/database.ts';

export const guardPgMigrations: readonly PgMigration[] = [
	{
		id: 'guard/001-doc-changes',
		sql: `
			CREATE TABLE doc_changes (
				id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
				room TEXT COLLATE "C" NOT NULL,
				seq BIGINT NOT NULL,
				at BIGINT NOT NULL,
				user_id TEXT,
				org_id TEXT,
				collection TEXT COLLATE "C" NOT NULL,
				entity_id TEXT COLLATE "C",
				field TEXT,
				op TEXT NOT NULL
			);
			CREATE INDEX doc_changes_entity ON doc_changes (room, collection, entity_id, seq);
		`
	},
	{
		id: 'guard/002-client-owners',
		sql: `
			CREATE TABLE doc_client_owners (
				room TEXT COLLATE "C" NOT NULL,
				client_id BIGINT NOT NULL,
				user_id TEXT NOT NULL,
				bound_at BIGINT NOT NULL,
				PRIMARY KEY (room, client_id)
			);
		`
	}
];
