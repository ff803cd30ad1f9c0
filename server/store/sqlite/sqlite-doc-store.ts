/**
 * The embedded document store: the update log and snapshots in SQLite.
 *
 * Group commit: append() queues its entries and schedules one flush on the next turn of the
 * event loop; the flush writes everything queued (from any number of rooms and callers) in one
 * transaction, so one fsync covers them all. Each caller's promise resolves only after that
 * transaction has committed.
 */
import type { AppendEntry, DocStore, LoadedRoom, StoredUpdate } from '../doc-store.ts';
import { StoreClosedError } from '../doc-store.ts';
import type { Migration, SqliteDatabase } from './database.ts';
import { DocLogReader, DocLogWriter } from './doc-log.ts';

export const docStoreMigrations: readonly Migration[] = [
	{
		id: 'docs/001-log-and-snapshots',
		sql: `
			CREATE TABLE doc_updates (
				id INTEGER PRIMARY KEY,
				room TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at INTEGER NOT NULL,
				user_id TEXT,
				org_id TEXT,
				connection_id TEXT,
				size INTEGER NOT NULL,
				data BLOB NOT NULL,
				UNIQUE (room, seq)
			);
			CREATE TABLE doc_snapshots (
				room TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at INTEGER NOT NULL,
				data BLOB NOT NULL,
				PRIMARY KEY (room, seq)
			);
		`
	},
	{
		// Lets a room answer a new client from the stored snapshot before decoding it (cold load).
		// Older snapshots have none; their vector is computed from the snapshot when loaded.
		id: 'docs/002-snapshot-state-vector',
		sql: 'ALTER TABLE doc_snapshots ADD COLUMN state_vector BLOB'
	}
];

interface Pending {
	entries: readonly AppendEntry[];
	resolve: (seqs: number[]) => void;
	reject: (err: unknown) => void;
}

/**
 * The store on the main thread's own connection (SQLITE_WRITER=inline): each commit's fsync
 * blocks the event loop. Kept for comparison and as a fallback to ThreadedSqliteDocStore.
 */
export class SqliteDocStore implements DocStore {
	readonly kind = 'sqlite';
	#queue: Pending[] = [];
	#flushScheduled = false;
	#closed = false;
	readonly #writer;
	readonly #reader;

	constructor(private readonly db: SqliteDatabase) {
		this.#writer = new DocLogWriter(db, false);
		this.#reader = new DocLogReader(db);
	}

	isReady(): boolean {
		return !this.#closed && this.db.open;
	}

	append(entries: readonly AppendEntry[]): Promise<number[]> {
		if (this.#closed) return Promise.reject(new StoreClosedError());
		if (entries.length === 0) return Promise.resolve([]);
		return new Promise((resolve, reject) => {
			this.#queue.push({ entries, resolve, reject });
			if (!this.#flushScheduled) {
				this.#flushScheduled = true;
				setImmediate(() => this.#flush());
			}
		});
	}

	#flush(): void {
		this.#flushScheduled = false;
		const batch = this.#queue;
		this.#queue = [];
		if (batch.length === 0) return;
		let seqs: number[];
		try {
			seqs = this.#writer.commit(batch.flatMap((p) => p.entries));
		} catch (err) {
			for (const p of batch) p.reject(err);
			return;
		}
		let i = 0;
		for (const p of batch) {
			p.resolve(seqs.slice(i, i + p.entries.length));
			i += p.entries.length;
		}
	}

	async load(room: string): Promise<LoadedRoom> {
		return this.#reader.load(room);
	}

	async writeSnapshot(room: string, seq: number, state: Uint8Array, stateVector?: Uint8Array): Promise<void> {
		if (this.#closed) throw new StoreClosedError();
		this.#writer.commit([], [{ room, seq, at: Date.now(), state, stateVector: stateVector ?? null }]);
	}

	async history(room: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Promise<StoredUpdate[]> {
		return this.#reader.history(room, fromSeq, toSeq);
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#flush();
		this.#closed = true;
	}
}
