/**
 * The outbox: every local change to a room, one record per Yjs transaction, written to IndexedDB
 * with strict durability (on disk, not only handed to the OS) before the page says "saved on this
 * phone", and removed only when the server acknowledges it as durable. "N changes waiting" is its
 * size. The document store beside it (local-room.svelte.ts) is written lazily; nothing typed
 * depends on it.
 *
 * Numbers are given synchronously (the sync provider needs them as it sends) and the writes
 * follow in the order they were made: IndexedDB runs read-write transactions on one store in the
 * order they were created, so a removal on acknowledgement never overtakes the write it removes.
 * Records are keyed by [page, number]: two tabs on one room each number their own changes and
 * never overwrite or remove the other's. Records found at start (any page's, restored into the
 * document before it syncs) are covered by the first acknowledged sync and removed with it.
 */
import { done, request } from './idb.ts';

export const OUTBOX = 'outbox';

export interface OutboxRecord {
	/** The page (tab) that made the change: random per page load. */
	page: string;
	seq: number;
	update: Uint8Array;
	/** The device's time when the change was made (display only). */
	at: number;
}

export interface OutboxEvents {
	/** The waiting count or the local write state changed. */
	changed(): void;
	/** A strict write failed (storage full, database closed): the change is only in memory. */
	failed(err: unknown): void;
}

export class Outbox {
	#db: IDBDatabase;
	readonly #page = crypto.randomUUID();
	#seq = 0;
	/** This page's changes not yet acknowledged: with #restored, the count, ahead of the disk. */
	#waiting = new Set<number>();
	/** Keys of the records found at start, until a sync covering them is acknowledged. */
	#restored: IDBValidKey[];
	#writing = 0;

	constructor(
		db: IDBDatabase,
		restored: readonly OutboxRecord[],
		private readonly events: OutboxEvents
	) {
		this.#db = db;
		this.#restored = restored.map((r) => [r.page, r.seq]);
	}

	static async read(db: IDBDatabase): Promise<OutboxRecord[]> {
		const tx = db.transaction(OUTBOX, 'readonly');
		return request(tx.objectStore(OUTBOX).getAll() as IDBRequest<OutboxRecord[]>);
	}

	get size(): number {
		return this.#waiting.size + this.#restored.length;
	}
	/** Every change made so far is on this device's disk. */
	get stored(): boolean {
		return this.#writing === 0;
	}

	add(update: Uint8Array): number {
		const seq = ++this.#seq;
		this.#waiting.add(seq);
		this.#writing++;
		const record: OutboxRecord = { page: this.#page, seq, update, at: Date.now() };
		this.#write((store) => store.put(record)).then(
			() => {
				this.#writing--;
				this.events.changed();
			},
			(err: unknown) => {
				this.#writing--;
				this.events.failed(err);
			}
		);
		this.events.changed();
		return seq;
	}

	latest(): number {
		return this.#seq;
	}

	/** The server has `seq` on disk (with `upTo`, every change numbered up to it). */
	saved(seq: number, upTo: boolean): void {
		const before = this.size;
		const restored = upTo ? this.#restored : [];
		if (upTo) {
			for (const s of this.#waiting) if (s <= seq) this.#waiting.delete(s);
			this.#restored = [];
		} else this.#waiting.delete(seq);
		if (this.size === before) return;
		const page = this.#page;
		this.#write((store) => {
			for (const key of restored) store.delete(key);
			return store.delete(upTo ? IDBKeyRange.bound([page, 0], [page, seq]) : [page, seq]);
		}).catch((err: unknown) => {
			// A record left behind is sent again after a reload and is harmless (Yjs ignores what the
			// server has); only the count on the next load would be too high until the next sync.
			console.warn('sitroom: could not remove acknowledged changes from the outbox', err);
		});
		this.events.changed();
	}

	/** Forgets every waiting change (the room was reset from the server). */
	clear(): void {
		this.#waiting.clear();
		this.#restored = [];
		this.#write((store) => store.clear()).catch((err: unknown) => this.events.failed(err));
		this.events.changed();
	}

	#write(op: (store: IDBObjectStore) => IDBRequest): Promise<void> {
		try {
			const tx = this.#db.transaction(OUTBOX, 'readwrite', { durability: 'strict' });
			op(tx.objectStore(OUTBOX));
			return done(tx);
		} catch (err) {
			return Promise.reject(err instanceof Error ? err : new Error(String(err)));
		}
	}
}
