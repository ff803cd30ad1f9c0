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
	}
];

interface Pending {
	entries: readonly AppendEntry[];
	resolve: (seqs: number[]) => void;
	reject: (err: unknown) => void;
}

interface UpdateRow {
	room: string;
	seq: number;
	at: number;
	user_id: string | null;
	org_id: string | null;
	connection_id: string | null;
	size: number;
	data: Buffer;
}

export class SqliteDocStore implements DocStore {
	readonly kind = 'sqlite';
	#queue: Pending[] = [];
	#flushScheduled = false;
	#closed = false;
	/** Last sequence number per room, so appends need no read. */
	#lastSeq = new Map<string, number>();

	readonly #insert;
	readonly #maxSeq;
	readonly #latestSnapshot;
	readonly #updatesAfter;
	readonly #updatesRange;
	readonly #insertSnapshot;

	constructor(private readonly db: SqliteDatabase) {
		this.#insert = db.prepare(
			'INSERT INTO doc_updates (room, seq, at, user_id, org_id, connection_id, size, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
		);
		this.#maxSeq = db.prepare('SELECT MAX(seq) AS seq FROM doc_updates WHERE room = ?');
		this.#latestSnapshot = db.prepare(
			'SELECT seq, data FROM doc_snapshots WHERE room = ? ORDER BY seq DESC LIMIT 1'
		);
		this.#updatesAfter = db.prepare('SELECT * FROM doc_updates WHERE room = ? AND seq > ? ORDER BY seq');
		this.#updatesRange = db.prepare(
			'SELECT * FROM doc_updates WHERE room = ? AND seq >= ? AND seq <= ? ORDER BY seq'
		);
		this.#insertSnapshot = db.prepare(
			'INSERT OR REPLACE INTO doc_snapshots (room, seq, at, data) VALUES (?, ?, ?, ?)'
		);
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

	#nextSeq(room: string): number {
		let last = this.#lastSeq.get(room);
		if (last === undefined) {
			last = (this.#maxSeq.get(room) as { seq: number | null }).seq ?? 0;
		}
		const next = last + 1;
		this.#lastSeq.set(room, next);
		return next;
	}

	#flush(): void {
		this.#flushScheduled = false;
		const batch = this.#queue;
		this.#queue = [];
		if (batch.length === 0) return;
		const before = new Map(this.#lastSeq);
		let results: number[][];
		try {
			results = this.db.transaction(() =>
				batch.map((p) =>
					p.entries.map((e) => {
						const seq = this.#nextSeq(e.room);
						this.#insert.run(
							e.room,
							seq,
							e.at,
							e.userId,
							e.orgId,
							e.connectionId,
							e.update.byteLength,
							e.update
						);
						return seq;
					})
				)
			)();
		} catch (err) {
			// The transaction rolled back: forget the sequence numbers it handed out.
			this.#lastSeq = before;
			for (const p of batch) p.reject(err);
			return;
		}
		batch.forEach((p, i) => p.resolve(results[i]!));
	}

	async load(room: string): Promise<LoadedRoom> {
		const snap = this.#latestSnapshot.get(room) as { seq: number; data: Buffer } | undefined;
		const snapshotSeq = snap?.seq ?? 0;
		const updates = (this.#updatesAfter.all(room, snapshotSeq) as UpdateRow[]).map(toStored);
		return { snapshot: snap ? new Uint8Array(snap.data) : null, snapshotSeq, updates };
	}

	async writeSnapshot(room: string, seq: number, state: Uint8Array): Promise<void> {
		if (this.#closed) throw new StoreClosedError();
		this.#insertSnapshot.run(room, seq, Date.now(), state);
	}

	async history(room: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Promise<StoredUpdate[]> {
		return (this.#updatesRange.all(room, fromSeq, toSeq) as UpdateRow[]).map(toStored);
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#flush();
		this.#closed = true;
	}
}

function toStored(r: UpdateRow): StoredUpdate {
	return {
		room: r.room,
		seq: r.seq,
		at: r.at,
		userId: r.user_id,
		orgId: r.org_id,
		connectionId: r.connection_id,
		size: r.size,
		update: new Uint8Array(r.data)
	};
}
