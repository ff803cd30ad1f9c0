/**
 * The document store on PostgreSQL (DATABASE_URL): the update log and snapshots of ./schema.ts.
 *
 * Commits are group commits, as in SQLite: write() queues its entries and the next turn of the
 * event loop writes everything queued, from any rooms and callers, in one transaction; while one
 * is in flight, what arrives waits for the next. A transaction raises each room's head in
 * `doc_heads` by the number of its entries (the row stays locked until the commit, so no other
 * writer of that room can interleave) and inserts the entries with those numbers. PostgreSQL
 * commits are durable when COMMIT returns (synchronous_commit), so `onDisk` is settled at once.
 *
 * Participants (PgCommitParticipant) write rows of their own in the same transaction, before the
 * log append: the client-id bindings of the guard (../../guard/postgres/client-owners.ts), which
 * must never be lost while the update that claims them survives.
 */
import type { AppendEntry, DocStore, HistoryRange, LoadedRoom, StoredUpdate, Written } from '../doc-store.ts';
import { StoreClosedError } from '../doc-store.ts';
import { pagedHistory } from '../paged-history.ts';
import { bytea, inTransaction, type PgClient, type PgPool } from './database.ts';
import type { Lease } from './leases.ts';

/**
 * An append to a room whose lease this node no longer holds under the epoch it wrote with: another
 * node took it over. Nothing of the caller's entries is written.
 */
export class FencedWriteError extends Error {
	override readonly name = 'FencedWriteError';
	constructor(
		readonly room: string,
		readonly epoch: number
	) {
		super(`the lease of ${room} under epoch ${epoch} was taken over by another node; nothing was written`);
	}
}

export interface PgDocStoreOptions {
	/**
	 * The lease this node writes a room under (several nodes: ./leases.ts), or undefined for a
	 * room written without one (a single node). Each append of a fenced room checks, in its own
	 * transaction, that the lease row still names this node and epoch.
	 */
	fence?: (room: string) => Lease | undefined;
}

/** Rows another module writes inside each group commit's transaction. */
export interface PgCommitParticipant {
	/**
	 * Writes what is pending on `client`, inside the commit's transaction; returns a function the
	 * store calls once that transaction has committed (not if it rolled back, when what was
	 * pending stays pending for the next one).
	 */
	stage(client: PgClient): Promise<(() => void) | void>;
}

/**
 * Writes what belongs with log entries (the guard's refusal records) inside the transaction that
 * appends them, once their sequence numbers are known (the EntryCompanion of doc-store.ts).
 */
export type PgEntryCompanion = (
	client: PgClient,
	entries: readonly AppendEntry[],
	seqs: readonly number[]
) => Promise<void>;

interface Pending {
	entries: readonly AppendEntry[];
	resolve: (written: Written) => void;
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

const COLUMNS = 'room, seq, at, user_id, org_id, connection_id, size, data';

export class PgDocStore implements DocStore {
	readonly kind = 'postgres';
	#queue: Pending[] = [];
	#scheduled = false;
	#inFlight: Promise<void> | null = null;
	#closed = false;
	/** Whether the last commit failed (the database is unreachable or refused it): /readyz says not ready. */
	#failing = false;
	readonly #participants: PgCommitParticipant[] = [];
	readonly #companions: PgEntryCompanion[] = [];
	/** Transactions committed so far (for tests and measurements). */
	commits = 0;

	readonly #fence: PgDocStoreOptions['fence'];

	constructor(
		private readonly pool: PgPool,
		opts: PgDocStoreOptions = {}
	) {
		this.#fence = opts.fence;
	}

	/** Adds a participant to every later group commit. */
	participate(p: PgCommitParticipant): void {
		this.#participants.push(p);
	}

	/** Adds a companion that writes what belongs with each appended entry, in its transaction. */
	accompany(c: PgEntryCompanion): void {
		this.#companions.push(c);
	}

	isReady(): boolean {
		return !this.#closed && !this.#failing;
	}

	async append(entries: readonly AppendEntry[]): Promise<number[]> {
		const written = await this.write(entries);
		await written.onDisk;
		return written.seqs;
	}

	write(entries: readonly AppendEntry[]): Promise<Written> {
		if (this.#closed) return Promise.reject(new StoreClosedError());
		if (entries.length === 0) return Promise.resolve({ seqs: [], onDisk: Promise.resolve() });
		return new Promise((resolve, reject) => {
			this.#queue.push({ entries, resolve, reject });
			this.#schedule();
		});
	}

	#schedule(): void {
		if (this.#scheduled || this.#inFlight) return;
		this.#scheduled = true;
		setImmediate(() => {
			this.#scheduled = false;
			this.#inFlight = this.#flush().finally(() => {
				this.#inFlight = null;
				if (this.#queue.length > 0) this.#schedule();
			});
		});
	}

	async #flush(): Promise<void> {
		const batch = this.#queue;
		this.#queue = [];
		if (batch.length === 0) return;
		let written: { kept: Pending[]; seqs: number[]; fenced: Map<Pending, FencedWriteError> };
		try {
			const after: Array<() => void> = [];
			written = await inTransaction(this.pool, async (client) => {
				for (const p of this.#participants) {
					const done = await p.stage(client);
					if (done) after.push(done);
				}
				// Callers whose rooms this node no longer owns are refused; the others are written.
				const lost = await this.#fencedOff(client, batch);
				const fenced = new Map<Pending, FencedWriteError>();
				const kept: Pending[] = [];
				for (const p of batch) {
					const err = p.entries.map((e) => lost.get(e.room)).find((x) => x !== undefined);
					if (err) fenced.set(p, err);
					else kept.push(p);
				}
				const entries = kept.flatMap((p) => p.entries);
				if (this.#companions.length === 0 && entries.some((e) => (e.refusals?.length ?? 0) > 0))
					throw new Error('an entry with refusals and no store to record them: refusing to lose them');
				const seqs = entries.length > 0 ? await appendEntries(client, entries) : [];
				for (const c of this.#companions) await c(client, entries, seqs);
				return { kept, seqs, fenced };
			});
			for (const done of after) done();
			this.commits++;
			this.#failing = false;
		} catch (err) {
			this.#failing = true;
			for (const p of batch) p.reject(err);
			return;
		}
		for (const [p, err] of written.fenced) p.reject(err);
		const onDisk = Promise.resolve();
		let i = 0;
		for (const p of written.kept) {
			p.resolve({ seqs: written.seqs.slice(i, i + p.entries.length), onDisk });
			i += p.entries.length;
		}
	}

	/**
	 * The fenced rooms of a group whose lease no longer names this node and epoch. The lease rows
	 * are read FOR SHARE: a takeover waits until this transaction ends, so no append commits under
	 * a lease that was taken over before it.
	 */
	async #fencedOff(client: PgClient, batch: readonly Pending[]): Promise<Map<string, FencedWriteError>> {
		const lost = new Map<string, FencedWriteError>();
		if (!this.#fence) return lost;
		const leases = new Map<string, Lease>();
		for (const p of batch) {
			for (const e of p.entries) {
				const lease = this.#fence(e.room);
				if (lease) leases.set(e.room, lease);
			}
		}
		if (leases.size === 0) return lost;
		const rooms = [...leases.keys()].sort();
		const res = await client.query<{ room: string; node: string; epoch: number }>(
			'SELECT room, node, epoch FROM room_leases WHERE room = ANY($1::text[]) ORDER BY room FOR SHARE',
			[rooms]
		);
		const rows = new Map(res.rows.map((r) => [r.room, r]));
		for (const [room, lease] of leases) {
			const row = rows.get(room);
			if (!row || row.node !== lease.node || row.epoch !== lease.epoch)
				lost.set(room, new FencedWriteError(room, lease.epoch));
		}
		return lost;
	}

	async load(room: string): Promise<LoadedRoom> {
		// One snapshot of the database for both reads (REPEATABLE READ), so no entry falls between.
		const client = await this.pool.connect();
		try {
			await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
			const snap = await client.query<{ seq: number; data: Buffer; state_vector: Buffer | null }>(
				'SELECT seq, data, state_vector FROM doc_snapshots WHERE room = $1 ORDER BY seq DESC LIMIT 1',
				[room]
			);
			const s = snap.rows[0];
			const snapshotSeq = s?.seq ?? 0;
			const updates = await client.query<UpdateRow>(
				`SELECT ${COLUMNS} FROM doc_updates WHERE room = $1 AND seq > $2 ORDER BY seq`,
				[room, snapshotSeq]
			);
			await client.query('COMMIT');
			return {
				snapshot: s ? new Uint8Array(s.data) : null,
				snapshotSeq,
				snapshotStateVector: s?.state_vector ? new Uint8Array(s.state_vector) : null,
				updates: updates.rows.map(toStored)
			};
		} catch (err) {
			await client.query('ROLLBACK').catch(() => undefined);
			throw err;
		} finally {
			client.release();
		}
	}

	async writeSnapshot(room: string, seq: number, state: Uint8Array, stateVector?: Uint8Array): Promise<void> {
		if (this.#closed) throw new StoreClosedError();
		await this.pool.query(
			`INSERT INTO doc_snapshots (room, seq, at, data, state_vector) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (room, seq) DO UPDATE SET at = excluded.at, data = excluded.data, state_vector = excluded.state_vector`,
			[room, seq, Date.now(), bytea(state), stateVector ? bytea(stateVector) : null]
		);
	}

	history(room: string, range: HistoryRange = {}): AsyncIterable<StoredUpdate> {
		return pagedHistory(room, range, async (r, after, upTo, limit) => {
			const res = await this.pool.query<UpdateRow>(
				`SELECT ${COLUMNS} FROM doc_updates WHERE room = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
				[r, after, upTo, limit]
			);
			return res.rows.map(toStored);
		});
	}

	/** The last sequence number of a room (0 if it has none): what a replica compares with. */
	async headOf(room: string): Promise<number> {
		const res = await this.pool.query<{ head_seq: number }>(
			'SELECT head_seq FROM doc_heads WHERE room = $1',
			[room]
		);
		return res.rows[0]?.head_seq ?? 0;
	}

	/** Commits what is queued and refuses later writes; the pool is closed by its owner. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		while (this.#inFlight || this.#queue.length > 0) {
			if (this.#inFlight) await this.#inFlight;
			else {
				this.#inFlight = this.#flush().finally(() => (this.#inFlight = null));
			}
		}
	}
}

/**
 * Numbers and inserts a group's entries inside the caller's transaction: each room's head is
 * raised by its count (rooms in one order, so two writers never wait on each other in a cycle),
 * then all entries go in with one statement.
 */
async function appendEntries(client: PgClient, entries: readonly AppendEntry[]): Promise<number[]> {
	const counts = new Map<string, number>();
	for (const e of entries) counts.set(e.room, (counts.get(e.room) ?? 0) + 1);
	const rooms = [...counts.keys()].sort();
	const heads = await client.query<{ room: string; head_seq: number }>(
		`INSERT INTO doc_heads (room, head_seq)
		 SELECT room, n FROM unnest($1::text[], $2::bigint[]) AS t(room, n) ORDER BY room
		 ON CONFLICT (room) DO UPDATE SET head_seq = doc_heads.head_seq + excluded.head_seq
		 RETURNING room, head_seq`,
		[rooms, rooms.map((r) => counts.get(r)!)]
	);
	// The next number per room: its new head minus its count, plus one.
	const next = new Map<string, number>();
	for (const h of heads.rows) next.set(h.room, h.head_seq - counts.get(h.room)! + 1);
	const seqs = entries.map((e) => {
		const seq = next.get(e.room)!;
		next.set(e.room, seq + 1);
		return seq;
	});
	await client.query(
		`INSERT INTO doc_updates (${COLUMNS})
		 SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bytea[])`,
		[
			entries.map((e) => e.room),
			seqs,
			entries.map((e) => e.at),
			entries.map((e) => e.userId),
			entries.map((e) => e.orgId),
			entries.map((e) => e.connectionId),
			entries.map((e) => e.update.byteLength),
			entries.map((e) => bytea(e.update))
		]
	);
	return seqs;
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
