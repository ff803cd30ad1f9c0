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
 * Group sync: callers arriving while a flush is in flight share the next one. A failed fsync
 * leaves the page cache in an unknown state, so every later call fails too (no retry).
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
	/** Flushes done so far (for tests and measurements). */
	flushes = 0;

	/** `walFile`: the database file's write-ahead log, `<database>-wal`. */
	constructor(private readonly walFile: string) {}

	/** Resolves once everything written to the log before this call is on disk. */
	sync(): Promise<void> {
		if (this.#failure) return Promise.reject(this.#failure);
		return new Promise((resolve, reject) => {
			this.#waiting.push({ resolve, reject });
			if (!this.#running) this.#flush();
		});
	}

	#flush(): void {
		const batch = this.#waiting;
		this.#waiting = [];
		this.#running = true;
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
			if (this.#waiting.length > 0) this.#flush();
		});
	}

	#fail(batch: Waiter[], cause: unknown): void {
		this.#running = false;
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

	/** Closes the descriptor; call once no flush is running (the store's close waits for them). */
	close(): void {
		if (this.#fd !== null) fs.closeSync(this.#fd);
		this.#fd = null;
	}
}
