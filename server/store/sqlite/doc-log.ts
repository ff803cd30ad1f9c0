/**
 * The SQL of the document log, shared by the in-thread store and the writer thread: the writer
 * (one transaction per group, per-room sequence numbers) and the reads (load, history).
 *
 * Only one DocLogWriter may exist per database file at a time: it caches the last sequence number
 * of each room, so a second writer would hand out the same numbers.
 */
import type { AppendEntry, LoadedRoom, StoredUpdate } from '../doc-store.ts';
import type { SqliteDatabase } from './database.ts';

export interface SnapshotWrite {
	room: string;
	seq: number;
	at: number;
	state: Uint8Array;
	/** Y.encodeStateVector of the snapshot's document, when known. */
	stateVector: Uint8Array | null;
}

export class DocLogWriter {
	/** Last sequence number per room, so appends need no read. */
	#lastSeq = new Map<string, number>();
	/** The last sequence number, before the running commit, of each room it has numbered. */
	readonly #before = new Map<string, number | undefined>();
	readonly #insert;
	readonly #maxSeq;
	readonly #insertSnapshot;
	readonly #commit;

	/**
	 * `immediate`: take the write lock when the transaction begins (BEGIN IMMEDIATE), so that
	 * contention with another connection's writes waits in busy_timeout instead of failing on
	 * the read-to-write upgrade. Needed whenever another connection writes to the same file.
	 */
	constructor(
		db: SqliteDatabase,
		private readonly immediate: boolean
	) {
		this.#insert = db.prepare(
			'INSERT INTO doc_updates (room, seq, at, user_id, org_id, connection_id, size, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
		);
		this.#maxSeq = db.prepare('SELECT MAX(seq) AS seq FROM doc_updates WHERE room = ?');
		this.#insertSnapshot = db.prepare(
			'INSERT OR REPLACE INTO doc_snapshots (room, seq, at, data, state_vector) VALUES (?, ?, ?, ?, ?)'
		);
		this.#commit = db.transaction((entries: readonly AppendEntry[], snapshots: readonly SnapshotWrite[]) => {
			const seqs = entries.map((e) => {
				const seq = this.#nextSeq(e.room);
				this.#insert.run(e.room, seq, e.at, e.userId, e.orgId, e.connectionId, e.update.byteLength, e.update);
				return seq;
			});
			for (const s of snapshots) this.#insertSnapshot.run(s.room, s.seq, s.at, s.state, s.stateVector);
			return seqs;
		});
	}

	/**
	 * Writes a group in one transaction (one fsync) and returns each entry's sequence number, in
	 * order. Throws if the transaction rolled back; then nothing of the group is written and the
	 * numbers it handed out are forgotten.
	 */
	commit(entries: readonly AppendEntry[], snapshots: readonly SnapshotWrite[] = []): number[] {
		this.#before.clear();
		try {
			return this.immediate ? this.#commit.immediate(entries, snapshots) : this.#commit(entries, snapshots);
		} catch (err) {
			// Forget the numbers handed out: each room touched goes back to what it was before.
			for (const [room, last] of this.#before) {
				if (last === undefined) this.#lastSeq.delete(room);
				else this.#lastSeq.set(room, last);
			}
			throw err;
		}
	}

	#nextSeq(room: string): number {
		let last = this.#lastSeq.get(room);
		if (!this.#before.has(room)) this.#before.set(room, last);
		if (last === undefined) last = (this.#maxSeq.get(room) as { seq: number | null }).seq ?? 0;
		const next = last + 1;
		this.#lastSeq.set(room, next);
		return next;
	}
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

/** Reads only: safe on any connection while the writer works on another (WAL). */
export class DocLogReader {
	readonly #latestSnapshot;
	readonly #updatesAfter;
	readonly #updatesRange;

	constructor(db: SqliteDatabase) {
		this.#latestSnapshot = db.prepare(
			'SELECT seq, data, state_vector FROM doc_snapshots WHERE room = ? ORDER BY seq DESC LIMIT 1'
		);
		this.#updatesAfter = db.prepare('SELECT * FROM doc_updates WHERE room = ? AND seq > ? ORDER BY seq');
		this.#updatesRange = db.prepare(
			'SELECT * FROM doc_updates WHERE room = ? AND seq >= ? AND seq <= ? ORDER BY seq'
		);
	}

	load(room: string): LoadedRoom {
		const snap = this.#latestSnapshot.get(room) as
			{ seq: number; data: Buffer; state_vector: Buffer | null } | undefined;
		const snapshotSeq = snap?.seq ?? 0;
		const updates = (this.#updatesAfter.all(room, snapshotSeq) as UpdateRow[]).map(toStored);
		return {
			snapshot: snap ? new Uint8Array(snap.data) : null,
			snapshotSeq,
			snapshotStateVector: snap?.state_vector ? new Uint8Array(snap.state_vector) : null,
			updates
		};
	}

	history(room: string, fromSeq: number, toSeq: number): StoredUpdate[] {
		return (this.#updatesRange.all(room, fromSeq, toSeq) as UpdateRow[]).map(toStored);
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
