/**
 * Fixtures shared by the SQLite store tests: a store on a fresh temp-file database for the DocStore
 * contract (disposed with its directory), and a one-byte append entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppendEntry, DocStore } from '../../server/store/doc-store.ts';
import { openDatabase, type Migration, type SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { tempDataDir } from '../helpers/server.ts';
import type { StoreUnderTest } from './doc-store-contract.ts';

/** Opens (migrating) the database file in `dir`. */
export function openAt(dir: string, migrations: readonly Migration[]): { db: SqliteDatabase; file: string } {
	const file = path.join(dir, 'sitroom.db');
	return { db: openDatabase({ file, migrations }), file };
}

/** A store made by `makeStore` on a new temp-file database; dispose closes both and removes the file. */
export function storeOnTempSqlite(
	prefix: string,
	migrations: readonly Migration[],
	makeStore: (db: SqliteDatabase, file: string) => DocStore
): StoreUnderTest {
	const dir = tempDataDir(prefix);
	const { db, file } = openAt(dir, migrations);
	const store = makeStore(db, file);
	return {
		store,
		async dispose() {
			await store.close();
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** An append to `room` whose one-byte update is `n` (mod 256); enough to tell rows apart. */
export const entry = (room: string, n: number): AppendEntry => ({
	room,
	update: new Uint8Array([n % 256]),
	at: Date.now(),
	userId: null,
	orgId: null,
	connectionId: null
});
