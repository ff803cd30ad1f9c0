/**
 * The embedded document store: the update log and snapshots in SQLite, written on the main
 * thread, fsynced off it.
 */
import type {
	AppendEntry,
	DocStore,
	EntryCompanion,
	HistoryRange,
	LoadedRoom,
	StoredUpdate,
	Written
} from '../doc-store.ts';
import { StoreClosedError } from '../doc-store.ts';
import { pagedHistory } from '../paged-history.ts';
import { openConnection, type SqliteDatabase } from './database.ts';
import { DocLogReader, DocLogWriter } from './doc-log.ts';
import { WalSync } from './wal-sync.ts';

interface Pending {
	entries: readonly AppendEntry[];
	resolve: (written: Written) => void;
	reject: (err: unknown) => void;
}

/** Default least time between two fsyncs of the log (SqliteDocStoreOptions.syncIntervalMs). */
export const DEFAULT_SYNC_INTERVAL_MS = 100;
/** Default least time between two group commits (SqliteDocStoreOptions.commitGapMs). */
export const DEFAULT_COMMIT_GAP_MS = 4;

export interface SqliteDocStoreOptions {
	/**
	 * The database's file. When given, the log is written on a connection of its own with
	 * synchronous=NORMAL and each commit is made durable by an fsync of the write-ahead log on
	 * libuv's thread pool (wal-sync.ts): as durable as FULL, without blocking the event loop.
	 * Without it, commits go through `db` as it is configured, and a FULL fsync blocks.
	 */
	file?: string;
	/**
	 * With `file`: the least time between two fsyncs of the log. Commits are written (and shown)
	 * at once; the entries written during an interval reach the disk together at its end.
	 * Default DEFAULT_SYNC_INTERVAL_MS; 0 syncs whenever the previous fsync is done.
	 */
	syncIntervalMs?: number;
	/**
	 * The least time between two group commits. A write after a quiet spell is committed on the
	 * next turn of the event loop; under load, everything arriving within this gap becomes one
	 * transaction, so that a busy server commits a few hundred times a second, not once per
	 * update. Default DEFAULT_COMMIT_GAP_MS.
	 */
	commitGapMs?: number;
	/**
	 * What else each entry's transaction writes (the guard's refusal records), each prepared on
	 * the connection the log is written on.
	 */
	companions?: ReadonlyArray<(db: SqliteDatabase) => EntryCompanion>;
}

/**
 * The store on the main thread. Commits are group commits: write() and append() queue their
 * entries and the next turn of the event loop (under load, the end of the commit gap) writes
 * everything queued, from any rooms and callers, in one transaction.
 *
 * With `file`, that write is a few write() calls into the page cache: from then on the entries
 * survive the process being killed, and write() resolves. Making them survive a power cut is the
 * fsync of the log, which runs off the main thread (wal-sync.ts) at most once per sync interval
 * and covers every commit written before it started; `onDisk` (and append()) resolve then.
 */
export class SqliteDocStore implements DocStore {
	readonly kind = 'sqlite';
	#queue: Pending[] = [];
	#flushScheduled = false;
	/** When the last group was written (performance.now()), for the gap between groups. */
	#lastFlush = -Infinity;
	readonly #commitGapMs: number;
	#closed = false;
	readonly #writer;
	readonly #reader;
	/** The writing connection when it is our own (with `file`), closed with the store. */
	readonly #own: SqliteDatabase | null;
	readonly #wal: WalSync | null;
	/** Transactions committed so far (for tests and measurements). */
	commits = 0;

	constructor(
		private readonly db: SqliteDatabase,
		opts: SqliteDocStoreOptions = {}
	) {
		this.#commitGapMs = opts.commitGapMs ?? DEFAULT_COMMIT_GAP_MS;
		this.#own = opts.file ? openConnection(opts.file, 'normal') : null;
		this.#wal = opts.file
			? new WalSync(`${opts.file}-wal`, opts.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS)
			: null;
		// Our own connection shares the file with `db`'s writes: take the lock when beginning.
		this.#writer = new DocLogWriter(this.#own ?? db, this.#own !== null, undefined, opts.companions);
		this.#reader = new DocLogReader(db);
	}

	/** fsyncs of the write-ahead log done so far (with `file`; for tests and measurements). */
	get walFlushes(): number {
		return this.#wal?.flushes ?? 0;
	}

	isReady(): boolean {
		return !this.#closed && this.db.open && !this.#wal?.failed;
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
			if (!this.#flushScheduled) {
				this.#flushScheduled = true;
				const wait = this.#lastFlush + this.#commitGapMs - performance.now();
				if (wait <= 0) setImmediate(() => this.#flush());
				else setTimeout(() => this.#flush(), wait);
			}
		});
	}

	#flush(): void {
		this.#flushScheduled = false;
		this.#lastFlush = performance.now();
		const batch = this.#queue;
		this.#queue = [];
		if (batch.length === 0) return;
		let seqs: number[];
		try {
			seqs = this.#writer.commit(batch.flatMap((p) => p.entries));
			this.commits++;
		} catch (err) {
			for (const p of batch) p.reject(err);
			return;
		}
		// One promise for every commit the next fsync covers (wal-sync.ts).
		const onDisk = this.#wal ? this.#wal.sync() : Promise.resolve();
		let i = 0;
		for (const p of batch) {
			p.resolve({ seqs: seqs.slice(i, i + p.entries.length), onDisk });
			i += p.entries.length;
		}
	}

	async load(room: string): Promise<LoadedRoom> {
		return this.#reader.load(room);
	}

	async writeSnapshot(room: string, seq: number, state: Uint8Array, stateVector?: Uint8Array): Promise<void> {
		if (this.#closed) throw new StoreClosedError();
		this.#writer.commit([], [{ room, seq, at: Date.now(), state, stateVector: stateVector ?? null }]);
		this.commits++;
		await this.#wal?.sync();
	}

	history(room: string, range: HistoryRange = {}): AsyncIterable<StoredUpdate> {
		return pagedHistory(room, range, (r, after, upTo, limit) => this.#reader.page(r, after, upTo, limit));
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#flush();
		this.#closed = true;
		await this.#wal?.close();
		this.#own?.close();
	}
}
