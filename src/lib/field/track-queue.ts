/**
 * Position fixes waiting to be sent (the track), kept in IndexedDB so that a track recorded with
 * no signal survives a reload, a closed tab or a flat battery, and goes to the server with its
 * device times once there is a signal. One database per user (a shared phone keeps each person's
 * fixes apart); writes use strict durability. A fix leaves the queue once the server answered for
 * it: stored, already stored, or refused (then the refusal is shown; see track-sender.svelte.ts).
 */
import { done, openDatabase, request } from '$lib/offline/idb';

export interface QueuedFix {
	incidentId: string;
	/** Device time of the fix, ms. */
	at: number;
	lonLat: [number, number];
	accuracy: number | null;
}

const STORE = 'fixes';

export class TrackQueue {
	#db: Promise<IDBDatabase> | null = null;

	constructor(readonly userId: string) {}

	get name(): string {
		return `sitroom-track-${this.userId}`;
	}

	#open(): Promise<IDBDatabase> {
		this.#db ??= openDatabase(this.name, 1, (db) => {
			db.createObjectStore(STORE, { keyPath: ['incidentId', 'at'] });
		}).catch((err: unknown) => {
			this.#db = null;
			throw err;
		});
		return this.#db;
	}

	/** Keeps one fix; resolves once it is on the phone's storage. */
	async put(fix: QueuedFix): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
		tx.objectStore(STORE).put(fix);
		await done(tx);
	}

	/** The fixes of one incident (or all), oldest first. */
	async list(incidentId?: string): Promise<QueuedFix[]> {
		const db = await this.#open();
		const store = db.transaction(STORE, 'readonly').objectStore(STORE);
		const range =
			incidentId === undefined
				? undefined
				: IDBKeyRange.bound([incidentId, -Infinity], [incidentId, Infinity]);
		const all = (await request(store.getAll(range))) as QueuedFix[];
		return all.sort((a, b) => a.at - b.at);
	}

	/** Removes fixes the server answered for. */
	async remove(fixes: readonly QueuedFix[]): Promise<void> {
		if (fixes.length === 0) return;
		const db = await this.#open();
		const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
		const store = tx.objectStore(STORE);
		for (const f of fixes) store.delete([f.incidentId, f.at]);
		await done(tx);
	}

	close(): void {
		void this.#db?.then((db) => db.close());
		this.#db = null;
	}
}
