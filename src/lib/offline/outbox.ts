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
 */
import { done, request } from './idb.ts';

export const OUTBOX = 'outbox';

export interface OutboxRecord {
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
	#seq: number;
	/** Changes made and not yet acknowledged: the truth for the count, ahead of the disk. */
	#waiting: Set<number>;
	#writing = 0;

	constructor(
		db: IDBDatabase,
		restored: readonly OutboxRecord[],
		private readonly events: OutboxEvents
	) {
		this.#db = db;
		this.#waiting = new Set(restored.map((r) => r.seq));
		this.#seq = restored.reduce((m, r) => Math.max(m, r.seq), 0);
	}

	static async read(db: IDBDatabase): Promise<OutboxRecord[]> {
		const tx = db.transaction(OUTBOX, 'readonly');
		return request(tx.objectStore(OUTBOX).getAll() as IDBRequest<OutboxRecord[]>);
	}

	get size(): number {
		return this.#waiting.size;
	}
	/** Every change made so far is on this device's disk. */
	get stored(): boolean {
		return this.#writing === 0;
	}

	add(update: Uint8Array): number {
		const seq = ++this.#seq;
		this.#waiting.add(seq);
		this.#writing++;
		const record: OutboxRecord = { seq, update, at: Date.now() };
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
		const before = this.#waiting.size;
		if (upTo) {
			for (const s of this.#waiting) if (s <= seq) this.#waiting.delete(s);
		} else this.#waiting.delete(seq);
		if (this.#waiting.size === before) return;
		this.#write((store) => store.delete(upTo ? IDBKeyRange.upperBound(seq) : seq)).catch((err: unknown) => {
			// A record left behind is sent again after a reload and is harmless (Yjs ignores what the
			// server has); only the count on the next load would be too high until the next sync.
			console.warn('sitroom: could not remove acknowledged changes from the outbox', err);
		});
		this.events.changed();
	}

	/** Forgets every waiting change (the room was reset from the server). */
	clear(): void {
		this.#waiting.clear();
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
