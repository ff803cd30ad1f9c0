/**
 * The `doc_changes` table: the embedded AttributionStore.
 *
 * It writes the rows of each call to `record` at once, in one small transaction. With a database
 * file, rows are written on a connection of the store's own with synchronous=NORMAL: a commit is
 * a write() of the rows' pages into the write-ahead log, no fsync on the main thread. That
 * survives a killed process; the document store's next fsync of the same log file (fsync is per
 * file, wal-sync.ts) or SQLite's next checkpoint makes it survive a power cut too. This
 * connection never checkpoints itself (wal_autocheckpoint=0), so a record call never pays for
 * one: the document log's writer and the main connection checkpoint as before.
 */
import { openConnection, type Migration, type SqliteDatabase } from '../../store/sqlite/database.ts';
import {
	toChange,
	type AttributionStore,
	type ChangeRow,
	type ChangeTableRow,
	type EntityAttribution
} from '../attribution-store.ts';

export const attributionMigrations: readonly Migration[] = [
	{
		id: 'guard/001-doc-changes',
		sql: `
			CREATE TABLE doc_changes (
				id INTEGER PRIMARY KEY,
				room TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at INTEGER NOT NULL,
				user_id TEXT,
				org_id TEXT,
				collection TEXT NOT NULL,
				entity_id TEXT,
				field TEXT,
				op TEXT NOT NULL
			);
			CREATE INDEX doc_changes_entity ON doc_changes (room, collection, entity_id, seq);
		`
	}
];

export interface SqliteAttributionStoreOptions {
	/**
	 * The database's file (already migrated by openDatabase): rows are written and read on a
	 * connection of the store's own, with synchronous=NORMAL, closed with the store. Without
	 * it (an in-memory database), everything goes through `db`.
	 */
	file?: string | null;
}

export class SqliteAttributionStore implements AttributionStore {
	/** Our own connection (with `file`), closed by close(); otherwise null. */
	readonly #own: SqliteDatabase | null;
	readonly #insertAll;
	readonly #ofEntity;
	readonly #ofIncident;
	readonly #summary;

	constructor(db: SqliteDatabase, opts: SqliteAttributionStoreOptions = {}) {
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
		const insert = conn.prepare(
			'INSERT INTO doc_changes (room, seq, at, user_id, org_id, collection, entity_id, field, op) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
		);
		// Wrapped once here, not on every call. On our own connection the transaction takes the
		// write lock when it begins (IMMEDIATE), so it waits for another writer (busy_timeout)
		// instead of failing halfway.
		const insertAll = conn.transaction((rows: readonly ChangeRow[]) => {
			for (const r of rows) {
				insert.run(r.room, r.seq, r.at, r.userId, r.orgId, r.collection, r.entityId, r.field, r.op);
			}
		});
		this.#insertAll = this.#own ? insertAll.immediate : insertAll;
		this.#ofEntity = conn.prepare(
			'SELECT * FROM doc_changes WHERE room = ? AND collection = ? AND entity_id = ? ORDER BY seq DESC, id DESC LIMIT ?'
		);
		this.#ofIncident = conn.prepare(
			'SELECT * FROM doc_changes WHERE room = ? AND collection = ? AND entity_id IS NULL ORDER BY seq DESC, id DESC LIMIT ?'
		);
		// Per entity: the first 'create' row and the newest row of any kind.
		this.#summary = conn.prepare(`
			SELECT c.collection, c.entity_id,
				cr.user_id AS created_by, cr.at AS created_at,
				c.user_id AS last_by, c.at AS last_at
			FROM doc_changes c
			JOIN (SELECT MAX(id) AS id FROM doc_changes WHERE room = ? AND entity_id IS NOT NULL GROUP BY collection, entity_id) latest
				ON latest.id = c.id
			LEFT JOIN (
				SELECT collection, entity_id, user_id, at, MIN(id) FROM doc_changes
				WHERE room = ? AND op = 'create' AND field IS NULL GROUP BY collection, entity_id
			) cr ON cr.collection = c.collection AND cr.entity_id = c.entity_id
			ORDER BY c.collection, c.entity_id
		`);
	}

	/** Writes the rows now, in one transaction, before the promise settles. */
	async record(rows: readonly ChangeRow[]): Promise<void> {
		if (rows.length === 0) return;
		this.#insertAll(rows);
	}

	async changesOf(
		room: string,
		collection: string,
		entityId: string | null,
		limit = 1000
	): Promise<ChangeRow[]> {
		const rows = (
			entityId === null
				? this.#ofIncident.all(room, collection, limit)
				: this.#ofEntity.all(room, collection, entityId, limit)
		) as ChangeTableRow[];
		return rows.map(toChange);
	}

	async attribution(room: string): Promise<EntityAttribution[]> {
		const rows = this.#summary.all(room, room) as Array<{
			collection: string;
			entity_id: string;
			created_by: string | null;
			created_at: number | null;
			last_by: string | null;
			last_at: number;
		}>;
		return rows.map((r) => ({
			collection: r.collection,
			entityId: r.entity_id,
			createdBy: r.created_by,
			createdAt: r.created_at,
			lastChangedBy: r.last_by,
			lastChangedAt: r.last_at
		}));
	}

	/** Closes the store's own connection (if any); call before closing the database. */
	close(): void {
		if (this.#own?.open) this.#own.close();
	}
}
