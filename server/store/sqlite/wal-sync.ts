/**
 * Makes SQLite WAL commits durable without blocking the event loop.
 *
 * A connection with synchronous=NORMAL commits by write()ing its frames to the -wal file and
 * does not fsync it; synchronous=FULL adds exactly one step, an fsync of the -wal file at every
 * commit. This does that step itself, on libuv's thread pool: fsync applies to the file (the
 * inode), not to the descriptor, so our own read-only descriptor flushes the frames SQLite wrote.
 * Checkpoints still sync the -wal and database files themselves (NORMAL does that), so the
 * result is as durable as FULL, while the main thread goes on serving during the flush.
 *
 * Group sync: callers arriving while a flush is in flight share the next one. With
 * `minIntervalMs`, flushes also start at least that far apart: the first call after a quiet
 * spell flushes at once, and calls during the interval wait for one flush at its end. That bounds
 * fsyncs (each costs a disk write and a thread hand-off) to 1000 / minIntervalMs a second
 * however many commits there are, at the price of a caller waiting up to the interval.
 *
 * A failed fsync leaves the page cache in an unknown state, so every later call fails too (no
 * retry).
 */
import fs from 'node:fs';

export class WalSyncFailedError extends Error {
	override readonly name = 'WalSyncFailedError';
}

/** One flush's callers: they share its promise. */
interface Group {
	promise: Promise<void>;
	resolve: () => void;
	reject: (err: unknown) => void;
}

function newGroup(): Group {
	let resolve!: () => void;
	let reject!: (err: unknown) => void;
	const promise = new Promise<void>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	// Marked handled here: a failure is also reported through `failed`, and no caller need listen.
	promise.catch(() => undefined);
	return { promise, resolve, reject };
}

export class WalSync {
	#fd: number | null = null;
	#running = false;
	/** Callers waiting for the next flush (not started yet); they all get the same promise. */
	#next: Group | null = null;
	/** The newest flush anyone waits for: it settles after every earlier one. */
	#latest: Promise<void> = Promise.resolve();
	#failure: WalSyncFailedError | null = null;
	/** When the last flush started (performance.now()), for the interval between flushes. */
	#lastStart = -Infinity;
	#timer: NodeJS.Timeout | null = null;
	/** Set by close(): what is still waiting is flushed without waiting out the interval. */
	#closing = false;
	/** Flushes done so far (for tests and measurements). */
	flushes = 0;

	/**
	 * `walFile`: the database file's write-ahead log, `<database>-wal`. `minIntervalMs`: the
	 * least time between the starts of two flushes (0: flush whenever the last one is done).
	 */
	constructor(
		private readonly walFile: string,
		private readonly minIntervalMs = 0
	) {}

	/** Resolves once everything written to the log before this call is on disk. */
	sync(): Promise<void> {
		if (this.#failure) return Promise.reject(this.#failure);
		const group = this.#next;
		if (group) return group.promise;
		const next = (this.#next = newGroup());
		this.#latest = next.promise;
		// May start the flush at once, taking `next` off #next.
		if (!this.#running) this.#schedule();
		return next.promise;
	}

	/** Flushes now if the interval since the last flush has passed (or closing), or once it has. */
	#schedule(): void {
		if (this.#timer) return;
		const wait = this.#closing ? 0 : this.#lastStart + this.minIntervalMs - performance.now();
		if (wait <= 0) {
			this.#flush();
			return;
		}
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.#flush();
		}, wait);
	}

	#flush(): void {
		const group = this.#next;
		this.#next = null;
		if (!group) return;
		this.#running = true;
		this.#lastStart = performance.now();
		let fd: number;
		try {
			// Opened on first use: SQLite creates the log with its first write.
			fd = this.#fd ??= fs.openSync(this.walFile, 'r');
		} catch (err) {
			this.#fail(group, err);
			return;
		}
		fs.fsync(fd, (err) => {
			this.#running = false;
			if (err) {
				this.#fail(group, err);
				return;
			}
			this.flushes++;
			group.resolve();
			if (this.#next) this.#schedule();
		});
	}

	#fail(group: Group, cause: unknown): void {
		this.#running = false;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#failure = new WalSyncFailedError(
			`could not flush the write-ahead log ${this.walFile}: ${cause instanceof Error ? cause.message : String(cause)}`,
			{ cause }
		);
		group.reject(this.#failure);
		this.#next?.reject(this.#failure);
		this.#next = null;
	}

	get failed(): boolean {
		return this.#failure !== null;
	}

	/**
	 * Flushes what is still waiting at once, waits for every flush asked for (whatever its
	 * outcome), and closes the descriptor. Later calls to sync() are not expected.
	 */
	async close(): Promise<void> {
		this.#closing = true;
		if (this.#timer) {
			clearTimeout(this.#timer);
			this.#timer = null;
			this.#flush();
		}
		await this.#latest.catch(() => undefined);
		if (this.#fd !== null) fs.closeSync(this.#fd);
		this.#fd = null;
	}
}
