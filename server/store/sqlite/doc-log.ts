/**
 * The SQL of the document log: the writer (one transaction per group, per-room sequence numbers)
 * and the reads (load, and history one page at a time).
 *
 * Deferred index. A room's entries are found through doc_update_index (room, seq → id), but a
 * commit does not write it: an index grouped by room puts each room's newest entries on a page of
 * their own, so a group commit spanning many rooms wrote one index page per room (a 4 KB frame
 * and two write() calls each) besides the log page it appended to. Instead the writer appends to
 * doc_updates only, and once INDEX_EVERY entries are unindexed it indexes them all, sorted by
 * room, in the same transaction as that commit: each room's page is written once per round.
 * Entries above the indexed mark (doc_update_index_state.indexed_to) are the tail, found by a
 * scan of the log from that id on; reads take the index and the tail in one statement, so they
 * see one consistent state whatever the writer does meanwhile.
 *
 * Only one DocLogWriter may exist per database file at a time: it caches the last sequence number
 * of each room, so a second writer would hand out the same numbers.
 */
import type { AppendEntry, EntryCompanion, LoadedRoom, StoredUpdate } from '../doc-store.ts';
import type { Migration, SqliteDatabase } from './database.ts';

export const docLogMigrations: readonly Migration[] = [
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
	},
	{
		// The deferred index (above): the log loses its UNIQUE (room, seq) index, which every commit
		// wrote, and gains an index table written in rounds. Rows keep their ids.
		id: 'docs/003-deferred-log-index',
		sql: `
			CREATE TABLE doc_log (
				id INTEGER PRIMARY KEY,
				room TEXT NOT NULL,
				seq INTEGER NOT NULL,
				at INTEGER NOT NULL,
				user_id TEXT,
				org_id TEXT,
				connection_id TEXT,
				size INTEGER NOT NULL,
				data BLOB NOT NULL
			);
			INSERT INTO doc_log (id, room, seq, at, user_id, org_id, connection_id, size, data)
				SELECT id, room, seq, at, user_id, org_id, connection_id, size, data FROM doc_updates ORDER BY id;
			DROP TABLE doc_updates;
			ALTER TABLE doc_log RENAME TO doc_updates;
			CREATE TABLE doc_update_index (
				room TEXT NOT NULL,
				seq INTEGER NOT NULL,
				id INTEGER NOT NULL,
				PRIMARY KEY (room, seq)
			) WITHOUT ROWID;
			INSERT INTO doc_update_index (room, seq, id) SELECT room, seq, id FROM doc_updates ORDER BY room, seq;
			CREATE TABLE doc_update_index_state (
				only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
				indexed_to INTEGER NOT NULL
			);
			INSERT INTO doc_update_index_state (only_row, indexed_to)
				VALUES (1, COALESCE((SELECT MAX(id) FROM doc_updates), 0));
		`
	}
];

/** Default number of unindexed entries that makes a commit index them (DocLogWriter's indexEvery). */
export const INDEX_EVERY = 1000;

/** The log entries after the indexed mark (the tail), as a subquery's condition on `u`. */
const TAIL = 'u.id > (SELECT indexed_to FROM doc_update_index_state)';

/**
 * A room's entries with after < seq <= upTo, indexed and tail alike, in order: one statement.
 * SQLite merges the two parts (MERGE (UNION ALL)), walking the index in order, so a LIMIT stops
 * the read there; only the tail (fewer than INDEX_EVERY entries) is sorted whole.
 */
const ROOM_RANGE = `
	SELECT u.id, u.room, i.seq, u.at, u.user_id, u.org_id, u.connection_id, u.size, u.data
		FROM doc_update_index i JOIN doc_updates u ON u.id = i.id
		WHERE i.room = @room AND i.seq > @after AND i.seq <= @upTo
	UNION ALL
	SELECT u.id, u.room, u.seq, u.at, u.user_id, u.org_id, u.connection_id, u.size, u.data
		FROM doc_updates u WHERE ${TAIL} AND u.room = @room AND u.seq > @after AND u.seq <= @upTo
	ORDER BY seq`;

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
	readonly #indexTail;
	readonly #markIndexed;
	readonly #commit;
	readonly #indexEvery: number;
	/** Entries appended since the last indexing round (as of the last committed transaction). */
	#unindexed: number;

	/**
	 * `immediate`: take the write lock when the transaction begins (BEGIN IMMEDIATE), so that
	 * contention with another connection's writes waits in busy_timeout instead of failing on
	 * the read-to-write upgrade. Needed whenever another connection writes to the same file.
	 */
	constructor(
		db: SqliteDatabase,
		private readonly immediate: boolean,
		indexEvery = INDEX_EVERY,
		/** Prepared on `db`: they write in the commit's transaction (doc-store.ts, EntryCompanion). */
		companions: ReadonlyArray<(db: SqliteDatabase) => EntryCompanion> = []
	) {
		this.#indexEvery = indexEvery;
		const writers = companions.map((c) => c(db));
		this.#insert = db.prepare(
			'INSERT INTO doc_updates (room, seq, at, user_id, org_id, connection_id, size, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
		);
		this.#maxSeq = db.prepare(`
			SELECT MAX(seq) AS seq FROM (
				SELECT MAX(seq) AS seq FROM doc_update_index WHERE room = @room
				UNION ALL
				SELECT MAX(u.seq) FROM doc_updates u WHERE ${TAIL} AND u.room = @room
			)`);
		this.#indexTail = db.prepare(
			`INSERT INTO doc_update_index (room, seq, id) SELECT u.room, u.seq, u.id FROM doc_updates u WHERE ${TAIL} ORDER BY u.room, u.seq`
		);
		this.#markIndexed = db.prepare(
			'UPDATE doc_update_index_state SET indexed_to = (SELECT COALESCE(MAX(id), indexed_to) FROM doc_updates)'
		);
		this.#unindexed = (
			db.prepare(`SELECT COUNT(*) AS n FROM doc_updates u WHERE ${TAIL}`).get() as { n: number }
		).n;
		this.#insertSnapshot = db.prepare(
			'INSERT OR REPLACE INTO doc_snapshots (room, seq, at, data, state_vector) VALUES (?, ?, ?, ?, ?)'
		);
		this.#commit = db.transaction(
			(entries: readonly AppendEntry[], snapshots: readonly SnapshotWrite[], indexRound: boolean) => {
				const seqs = entries.map((e) => {
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
					if (e.refusals !== undefined && e.refusals.length > 0 && writers.length === 0)
						throw new Error('an entry with refusals and no store to record them: refusing to lose them');
					for (const w of writers) w(e, seq);
					return seq;
				});
				for (const s of snapshots) this.#insertSnapshot.run(s.room, s.seq, s.at, s.state, s.stateVector);
				if (indexRound) {
					this.#indexTail.run();
					this.#markIndexed.run();
				}
				return seqs;
			}
		);
	}

	/**
	 * Writes a group in one transaction and returns each entry's sequence number, in
	 * order. Throws if the transaction rolled back; then nothing of the group is written (nor
	 * indexed) and the numbers it handed out are forgotten.
	 */
	commit(entries: readonly AppendEntry[], snapshots: readonly SnapshotWrite[] = []): number[] {
		this.#before.clear();
		const unindexed = this.#unindexed + entries.length;
		const indexRound = unindexed >= this.#indexEvery;
		try {
			const seqs = this.immediate
				? this.#commit.immediate(entries, snapshots, indexRound)
				: this.#commit(entries, snapshots, indexRound);
			this.#unindexed = indexRound ? 0 : unindexed;
			return seqs;
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
		if (last === undefined) last = (this.#maxSeq.get({ room }) as { seq: number | null }).seq ?? 0;
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
	readonly #updatesRange;
	readonly #updatesPage;

	constructor(db: SqliteDatabase) {
		this.#latestSnapshot = db.prepare(
			'SELECT seq, data, state_vector FROM doc_snapshots WHERE room = ? ORDER BY seq DESC LIMIT 1'
		);
		this.#updatesRange = db.prepare(ROOM_RANGE);
		this.#updatesPage = db.prepare(`${ROOM_RANGE} LIMIT @limit`);
	}

	load(room: string): LoadedRoom {
		const snap = this.#latestSnapshot.get(room) as
			{ seq: number; data: Buffer; state_vector: Buffer | null } | undefined;
		const snapshotSeq = snap?.seq ?? 0;
		const updates = (
			this.#updatesRange.all({ room, after: snapshotSeq, upTo: Number.MAX_SAFE_INTEGER }) as UpdateRow[]
		).map(toStored);
		return {
			snapshot: snap ? new Uint8Array(snap.data) : null,
			snapshotSeq,
			snapshotStateVector: snap?.state_vector ? new Uint8Array(snap.state_vector) : null,
			updates
		};
	}

	/** Up to `limit` entries of a room with after < seq <= upTo, in order: one page of its history. */
	page(room: string, after: number, upTo: number, limit: number): StoredUpdate[] {
		return (this.#updatesPage.all({ room, after, upTo, limit }) as UpdateRow[]).map(toStored);
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
