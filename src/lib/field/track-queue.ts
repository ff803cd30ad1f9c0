/**
 * Position fixes waiting to be sent (the track), kept in IndexedDB so that a track recorded with
 * no signal survives a reload, a closed tab or a flat battery, and goes to the server with its
 * device times once there is a signal. One database per user (a shared phone keeps each person's
 * fixes apart); writes use strict durability. A fix leaves the queue once the server answered for
 * it: stored, already stored, or refused. A refused fix leaves it in the same transaction that
 * writes its notice (incident, reason, how many, the latest device time) into the same database,
 * where the notice stays, across reloads, until the person dismisses it (track-sender.svelte.ts).
 */
import { done, openDatabase, request } from '$lib/offline/idb';

export interface QueuedFix {
	incidentId: string;
	/** Device time of the fix, ms. */
	at: number;
	lonLat: [number, number];
	accuracy: number | null;
}

/** Fixes the server did not take, with its reason (a refusal code and its message). */
export interface RefusedFixes {
	incidentId: string;
	count: number;
	error: string;
	message: string;
	/** Device time of the latest of them, ms. */
	at: number;
}

const STORE = 'fixes';
/** One notice per incident and reason, counts added up; version 2 of the database. */
const REFUSED = 'refused';

export class TrackQueue {
	#db: Promise<IDBDatabase> | null = null;

	constructor(readonly userId: string) {}

	get name(): string {
		return `sitroom-track-${this.userId}`;
	}

	#open(): Promise<IDBDatabase> {
		this.#db ??= openDatabase(this.name, 2, (db, oldVersion) => {
			if (oldVersion < 1) db.createObjectStore(STORE, { keyPath: ['incidentId', 'at'] });
			if (oldVersion < 2) db.createObjectStore(REFUSED, { keyPath: ['incidentId', 'error'] });
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

	/**
	 * Removes fixes the server answered for and, in the same transaction, adds the notices of those
	 * it refused to the ones kept (a reload between the two can lose neither the fixes nor the notice).
	 */
	async settle(fixes: readonly QueuedFix[], refused: readonly RefusedFixes[] = []): Promise<void> {
		if (fixes.length === 0 && refused.length === 0) return;
		const db = await this.#open();
		const tx = db.transaction([STORE, REFUSED], 'readwrite', { durability: 'strict' });
		const store = tx.objectStore(STORE);
		for (const f of fixes) store.delete([f.incidentId, f.at]);
		const notices = tx.objectStore(REFUSED);
		for (const r of refused) {
			const get = notices.get([r.incidentId, r.error]) as IDBRequest<RefusedFixes | undefined>;
			get.onsuccess = () => {
				const was = get.result;
				notices.put(was ? { ...r, count: was.count + r.count, at: Math.max(was.at, r.at) } : { ...r });
			};
		}
		await done(tx);
	}

	/** The notices of refused fixes kept on the phone, oldest first. */
	async refused(): Promise<RefusedFixes[]> {
		const db = await this.#open();
		const all = (await request(
			db.transaction(REFUSED, 'readonly').objectStore(REFUSED).getAll()
		)) as RefusedFixes[];
		return all.sort((a, b) => a.at - b.at);
	}

	/** Forgets the notices of one incident (the person saw them). */
	async dismiss(incidentId: string): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction(REFUSED, 'readwrite', { durability: 'strict' });
		tx.objectStore(REFUSED).delete(IDBKeyRange.bound([incidentId, ''], [incidentId, '\uffff']));
		await done(tx);
	}

	close(): void {
		void this.#db?.then((db) => db.close());
		this.#db = null;
	}
}
