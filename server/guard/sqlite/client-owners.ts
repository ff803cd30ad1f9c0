/**
 * The `doc_client_owners` table: the embedded ClientOwnerStore (synchronous; ../client-owners.ts
 * says why). Bindings made before this table existed are recovered once from the update log
 * (client-owners-backfill.ts).
 */
import { openConnection, type Migration, type SqliteDatabase } from '../../store/sqlite/database.ts';
import type { ClientOwnerStore } from '../client-owners.ts';

export const clientOwnerMigrations: readonly Migration[] = [
	{
		id: 'guard/002-client-owners',
		sql: `
			CREATE TABLE doc_client_owners (
				room TEXT NOT NULL,
				client_id INTEGER NOT NULL,
				user_id TEXT NOT NULL,
				bound_at INTEGER NOT NULL,
				PRIMARY KEY (room, client_id)
			) WITHOUT ROWID;
		`
	}
];

export class SqliteClientOwnerStore implements ClientOwnerStore {
	readonly #own: SqliteDatabase | null;
	readonly #select;
	readonly #insertAll;

	/**
	 * `file`: the database's file (already migrated); bindings are written on a connection of the
	 * store's own with synchronous=NORMAL, as attribution rows are (attribution-store.ts): a write
	 * into the log file that survives a killed process, made durable against a power cut by the
	 * document log's next fsync of the same file, which the claiming update's "saved" waits for.
	 */
	constructor(db: SqliteDatabase, opts: { file?: string | null } = {}) {
		const file = opts.file && opts.file !== ':memory:' ? opts.file : null;
		if (file) {
			const own = openConnection(file, 'normal');
			try {
				own.pragma('wal_autocheckpoint = 0');
			} catch (err) {
				own.close();
				throw err;
			}
			this.#own = own;
		} else {
			this.#own = null;
		}
		const conn = this.#own ?? db;
		this.#select = conn.prepare('SELECT client_id, user_id FROM doc_client_owners WHERE room = ?');
		const insert = conn.prepare(
			'INSERT OR IGNORE INTO doc_client_owners (room, client_id, user_id, bound_at) VALUES (?, ?, ?, ?)'
		);
		const insertAll = conn.transaction((room: string, clients: readonly number[], userId: string) => {
			const at = Date.now();
			for (const c of clients) insert.run(room, c, userId, at);
		});
		this.#insertAll = this.#own ? insertAll.immediate : insertAll;
	}

	ownersOf(room: string): Map<number, string> {
		const rows = this.#select.all(room) as Array<{ client_id: number; user_id: string }>;
		return new Map(rows.map((r) => [r.client_id, r.user_id]));
	}

	bind(room: string, clients: readonly number[], userId: string): void {
		if (clients.length > 0) this.#insertAll(room, clients, userId);
	}

	close(): void {
		if (this.#own?.open) this.#own.close();
	}
}
