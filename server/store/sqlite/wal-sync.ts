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

interface Waiter {
	resolve: () => void;
	reject: (err: unknown) => void;
}

export class WalSync {
	#fd: number | null = null;
	#running = false;
	#waiting: Waiter[] = [];
	#failure: WalSyncFailedError | null = null;
	/** When the last flush started (performance.now()), for the interval between flushes. */
	#lastStart = -Infinity;
	#timer: NodeJS.Timeout | null = null;
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
		return new Promise((resolve, reject) => {
			this.#waiting.push({ resolve, reject });
			if (!this.#running) this.#schedule();
		});
	}

	/** Flushes now if the interval since the last flush has passed, or once it has. */
	#schedule(): void {
		if (this.#timer) return;
		const wait = this.#lastStart + this.minIntervalMs - performance.now();
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
		const batch = this.#waiting;
		this.#waiting = [];
		this.#running = true;
		this.#lastStart = performance.now();
		let fd: number;
		try {
			// Opened on first use: SQLite creates the log with its first write.
			fd = this.#fd ??= fs.openSync(this.walFile, 'r');
		} catch (err) {
			this.#fail(batch, err);
			return;
		}
		fs.fsync(fd, (err) => {
			this.#running = false;
			if (err) {
				this.#fail(batch, err);
				return;
			}
			this.flushes++;
			for (const w of batch) w.resolve();
			if (this.#waiting.length > 0) this.#schedule();
		});
	}

	#fail(batch: Waiter[], cause: unknown): void {
		this.#running = false;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#failure = new WalSyncFailedError(
			`could not flush the write-ahead log ${this.walFile}: ${cause instanceof Error ? cause.message : String(cause)}`,
			{ cause }
		);
		for (const w of [...batch, ...this.#waiting]) w.reject(this.#failure);
		this.#waiting = [];
	}

	get failed(): boolean {
		return this.#failure !== null;
	}

	/** Starts the flush a caller is waiting for now, without waiting out the interval (closing). */
	flushNow(): void {
		if (!this.#timer) return;
		clearTimeout(this.#timer);
		this.#timer = null;
		this.#flush();
	}

	/** Closes the descriptor; call once no flush is running (the store's close waits for them). */
	close(): void {
		if (this.#fd !== null) fs.closeSync(this.#fd);
		this.#fd = null;
	}
}
