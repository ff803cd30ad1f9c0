/**
 * The stores a server runs on: the document store (the SQLite file under DATA_DIR, or memory)
 * and the relational tables of identity, incidents and the guard. Those live in the same SQLite
 * file, or, with the in-memory document store, in an in-memory database.
 */
import path from 'node:path';
import type { Config } from '../config.ts';
import { guardMigrations } from '../guard/setup.ts';
import { identityMigrations } from '../identity/schema.ts';
import { incidentMigrations } from '../incidents/schema.ts';
import type { DocStore } from '../store/doc-store.ts';
import { MemoryDocStore } from '../store/memory-doc-store.ts';
import { openDatabase, type SqliteDatabase } from '../store/sqlite/database.ts';
import { docLogMigrations } from '../store/sqlite/doc-log.ts';
import { SqliteDocStore } from '../store/sqlite/sqlite-doc-store.ts';

export interface Stores {
	docs: DocStore;
	/** The database in the SQLite file, or null with the in-memory document store. */
	sqlite: SqliteDatabase | null;
	/** Where the relational tables are: the SQLite file, or an in-memory database. */
	tables: SqliteDatabase;
	/** Commits what the document store holds and closes every database; after the rooms closed. */
	close(): Promise<void>;
}

const TABLE_MIGRATIONS = [...identityMigrations, ...incidentMigrations, ...guardMigrations];

export function openStores(config: Config): Stores {
	if (config.store === 'memory') {
		const tables = openDatabase({ file: ':memory:', migrations: TABLE_MIGRATIONS });
		const docs = new MemoryDocStore();
		return {
			docs,
			sqlite: null,
			tables,
			async close() {
				await docs.close();
				tables.close();
			}
		};
	}
	const file = path.join(config.dataDir, 'sitroom.db');
	const db = openDatabase({
		file,
		synchronous: config.sqliteSynchronous,
		migrations: [...docLogMigrations, ...TABLE_MIGRATIONS]
	});
	// With FULL durability, the log's fsync runs off the main thread (wal-sync.ts).
	const docs = new SqliteDocStore(
		db,
		config.sqliteSynchronous === 'full' ? { file, syncIntervalMs: config.syncIntervalMs } : {}
	);
	return {
		docs,
		sqlite: db,
		tables: db,
		async close() {
			await docs.close();
			db.close();
		}
	};
}
