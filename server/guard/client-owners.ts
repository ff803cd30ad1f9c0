/**
 * Which user writes under which Yjs client id, per incident, durably.
 *
 * Yjs orders each client id's changes by clock, and a client that reconnects sends what the
 * server lacks according to the server's state vector. Regression (security review): claims of
 * client ids ended when a connection left, so while a user was offline another member wrote under
 * that user's client id past its clock; when the user came back, its sync step 2 was computed
 * against the inflated vector, omitted its offline insert but carried its deletions, and was
 * acknowledged as saved: the old value deleted, the new one never arrived.
 *
 * So the first user to write under a client id in an incident owns it for good, and nobody else
 * may write under it. The binding is written before the update that claims it is applied (on the
 * same SQLite file, whose log the update's own commit and fsync follow), so a binding is never
 * lost while its update survives. A client id that already has changes in the document but no
 * binding was written by the server itself (its own Y.Doc: seeding, REST-made changes) and is
 * nobody's to take. Bindings made before this table existed are recovered once from the update
 * log (client-owners-backfill.ts).
 */
import { openConnection, type Migration, type SqliteDatabase } from '../store/sqlite/database.ts';

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

export interface ClientOwnerStore {
	/** Every binding of a room: client id → user id. */
	ownersOf(room: string): Map<number, string>;
	/** Records that `userId` owns `clients` in `room`, now, before returning. */
	bind(room: string, clients: readonly number[], userId: string): void;
	close(): void;
}

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
