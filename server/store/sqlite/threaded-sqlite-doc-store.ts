/**
 * The document store with its writes on a worker thread (SQLITE_WRITER=thread).
 *
 * Each commit's fsync takes milliseconds on a loaded disk; on the main thread it would stall
 * every room. Here the main thread only queues: while the writer thread commits one group, new
 * appends and snapshots (from any rooms and callers) accumulate and go as the next group, one
 * transaction and one fsync per group. Each caller's promise resolves with the sequence numbers
 * the writer assigned inside that transaction, once it has committed.
 *
 * Reads (load, history) stay on the main thread's connection: with WAL they see every commit
 * of the writer's connection, and a resolved append is visible to the next read.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppendEntry, DocStore, LoadedRoom, StoredUpdate, Written } from '../doc-store.ts';
import { StoreClosedError } from '../doc-store.ts';
import type { SqliteDatabase } from './database.ts';
import { DocLogReader } from './doc-log.ts';
import type { FromWriter, PackedEntry, PackedSnapshot, ToWriter, WriterData } from './writer-protocol.ts';

/** The writer thread died or could not start: nothing more can be written until a restart. */
export class WriterFailedError extends Error {
	override readonly name = 'WriterFailedError';
	constructor(cause: unknown) {
		super(
			`the document log's writer thread failed: ${cause instanceof Error ? cause.message : String(cause)}`,
			{
				cause
			}
		);
	}
}

/** A group's transaction rolled back in the writer thread; none of the group was written. */
export class CommitFailedError extends Error {
	override readonly name = 'CommitFailedError';
	constructor(
		message: string,
		/** SQLite's error code (SQLITE_BUSY, SQLITE_FULL, …) when there is one. */
		readonly code: string | undefined
	) {
		super(message);
	}
}

export interface ThreadedStoreOptions {
	/** The main thread's connection, already migrated: used for reads only. */
	db: SqliteDatabase;
	/** The same database's file, which the writer thread opens on its own connection. */
	file: string;
	synchronous?: 'full' | 'normal';
	/** Told once if the writer thread dies; the store is not ready from then on. */
	onWriterFailure?: (err: WriterFailedError) => void;
}

interface PendingAppend {
	entries: readonly AppendEntry[];
	resolve: (seqs: number[]) => void;
	reject: (err: unknown) => void;
}

interface PendingSnapshot {
	room: string;
	seq: number;
	at: number;
	state: Uint8Array;
	stateVector: Uint8Array | null;
	resolve: () => void;
	reject: (err: unknown) => void;
}

interface Group {
	id: number;
	appends: PendingAppend[];
	snapshots: PendingSnapshot[];
}

export class ThreadedSqliteDocStore implements DocStore {
	readonly kind = 'sqlite';
	readonly #reader;
	readonly #worker: Worker;
	readonly #onWriterFailure;
	#appends: PendingAppend[] = [];
	#snapshots: PendingSnapshot[] = [];
	#inFlight: Group | null = null;
	#sendScheduled = false;
	#nextId = 1;
	#closed = false;
	#closing: Promise<void> | null = null;
	#failure: WriterFailedError | null = null;
	#drained: (() => void) | null = null;
	#workerClosed: (() => void) | null = null;
	/** Groups committed so far (for tests and measurements). */
	commits = 0;

	constructor(opts: ThreadedStoreOptions) {
		this.#reader = new DocLogReader(opts.db);
		this.#onWriterFailure = opts.onWriterFailure;
		const data: WriterData = { file: opts.file, synchronous: opts.synchronous ?? 'full' };
		this.#worker = new Worker(bootstrap(new URL('./writer-worker.ts', import.meta.url)), {
			eval: true,
			workerData: data
		});
		this.#worker.unref();
		this.#worker.on('message', (msg: FromWriter) => this.#onMessage(msg));
		this.#worker.on('error', (err) => this.#fail(err));
		this.#worker.on('exit', (code) => {
			this.#workerClosed?.();
			if (!this.#closed || this.#inFlight || this.#appends.length || this.#snapshots.length) {
				this.#fail(new Error(`exited with code ${code}`));
			}
		});
	}

	isReady(): boolean {
		return !this.#closed && !this.#failure;
	}

	append(entries: readonly AppendEntry[]): Promise<number[]> {
		if (this.#closed) return Promise.reject(new StoreClosedError());
		if (this.#failure) return Promise.reject(this.#failure);
		if (entries.length === 0) return Promise.resolve([]);
		return new Promise((resolve, reject) => {
			this.#appends.push({ entries, resolve, reject });
			this.#schedule();
		});
	}

	/** The writer thread commits with the database's own synchronous setting: written is on disk. */
	async write(entries: readonly AppendEntry[]): Promise<Written> {
		return { seqs: await this.append(entries), onDisk: Promise.resolve() };
	}

	writeSnapshot(room: string, seq: number, state: Uint8Array, stateVector?: Uint8Array): Promise<void> {
		if (this.#closed) return Promise.reject(new StoreClosedError());
		if (this.#failure) return Promise.reject(this.#failure);
		return new Promise((resolve, reject) => {
			this.#snapshots.push({
				room,
				seq,
				at: Date.now(),
				state,
				stateVector: stateVector ?? null,
				resolve,
				reject
			});
			this.#schedule();
		});
	}

	async load(room: string): Promise<LoadedRoom> {
		return this.#reader.load(room);
	}

	async history(room: string, fromSeq = 1, toSeq = Number.MAX_SAFE_INTEGER): Promise<StoredUpdate[]> {
		return this.#reader.history(room, fromSeq, toSeq);
	}

	/** Commits everything queued, then closes the writer's connection and ends the thread. */
	close(): Promise<void> {
		this.#closing ??= this.#close();
		return this.#closing;
	}

	async #close(): Promise<void> {
		this.#closed = true;
		if (this.#failure) return;
		if (this.#inFlight || this.#appends.length || this.#snapshots.length) {
			await new Promise<void>((resolve) => (this.#drained = resolve));
		}
		if (this.#failure) return;
		this.#worker.ref();
		const closed = new Promise<void>((resolve) => (this.#workerClosed = resolve));
		this.#post({ type: 'close' });
		await closed;
	}

	/** Same-tick calls share a group: the first send waits one turn; later ones wait for the commit. */
	#schedule(): void {
		if (this.#inFlight || this.#sendScheduled) return;
		this.#sendScheduled = true;
		setImmediate(() => {
			this.#sendScheduled = false;
			this.#send();
		});
	}

	#send(): void {
		if (this.#inFlight || this.#failure) return;
		if (this.#appends.length === 0 && this.#snapshots.length === 0) {
			this.#drained?.();
			return;
		}
		const group: Group = { id: this.#nextId++, appends: this.#appends, snapshots: this.#snapshots };
		this.#appends = [];
		this.#snapshots = [];
		this.#inFlight = group;

		// Pack every byte of the group into one buffer, transferred rather than cloned (cloning a
		// view would also copy whatever larger buffer it is a view into).
		let total = 0;
		for (const p of group.appends) for (const e of p.entries) total += e.update.byteLength;
		for (const s of group.snapshots) total += s.state.byteLength + (s.stateVector?.byteLength ?? 0);
		const data = new ArrayBuffer(total);
		const bytes = new Uint8Array(data);
		let offset = 0;
		const put = (b: Uint8Array): { offset: number; length: number } => {
			bytes.set(b, offset);
			const at = { offset, length: b.byteLength };
			offset += b.byteLength;
			return at;
		};
		const entries: PackedEntry[] = [];
		for (const p of group.appends) {
			for (const e of p.entries) {
				entries.push({
					room: e.room,
					at: e.at,
					userId: e.userId,
					orgId: e.orgId,
					connectionId: e.connectionId,
					...put(e.update)
				});
			}
		}
		const snapshots: PackedSnapshot[] = group.snapshots.map((s) => ({
			room: s.room,
			seq: s.seq,
			at: s.at,
			...put(s.state),
			stateVector: s.stateVector ? put(s.stateVector) : null
		}));
		this.#worker.ref(); // a commit in flight keeps the process alive
		this.#post({ type: 'commit', id: group.id, entries, snapshots, data }, [data]);
	}

	#post(msg: ToWriter, transfer: ArrayBuffer[] = []): void {
		this.#worker.postMessage(msg, transfer);
	}

	#onMessage(msg: FromWriter): void {
		if (msg.type === 'closed') return;
		const group = this.#inFlight;
		if (!group || group.id !== msg.id) return;
		this.#inFlight = null;
		this.#worker.unref();
		if (msg.type === 'committed') {
			this.commits++;
			let i = 0;
			for (const p of group.appends) {
				p.resolve(msg.seqs.slice(i, i + p.entries.length));
				i += p.entries.length;
			}
			for (const s of group.snapshots) s.resolve();
		} else {
			const err = new CommitFailedError(msg.message, msg.code);
			for (const p of group.appends) p.reject(err);
			for (const s of group.snapshots) s.reject(err);
		}
		// What accumulated during that commit goes now, as the next group.
		this.#send();
	}

	/** Rejects everything not yet committed (never resolves it) and refuses writes from now on. */
	#fail(cause: unknown): void {
		if (this.#failure) return;
		const err = new WriterFailedError(cause);
		this.#failure = err;
		const group = this.#inFlight;
		this.#inFlight = null;
		const pending = [
			...(group?.appends ?? []),
			...this.#appends,
			...(group?.snapshots ?? []),
			...this.#snapshots
		];
		this.#appends = [];
		this.#snapshots = [];
		for (const p of pending) p.reject(err);
		this.#drained?.();
		this.#workerClosed?.();
		void this.#worker.terminate();
		this.#onWriterFailure?.(err);
	}

	/** For tests: the writer thread, to crash it on purpose. */
	get worker(): Worker {
		return this.#worker;
	}
}

/**
 * The writer is TypeScript, run by tsx like the rest of the server. A worker does not inherit
 * the tsx hooks of `tsx server/start.ts` or `node --import tsx` on Node 20 (its entry fails with
 * "Unknown file extension .ts"), and not vitest's either, so a small eval'd entry registers tsx
 * in the worker before importing the real one.
 */
function bootstrap(entry: URL): string {
	const tsxRoot = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
	const api = pathToFileURL(path.join(tsxRoot, 'dist/esm/api/index.mjs')).href;
	return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}
