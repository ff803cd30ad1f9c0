/**
 * Photos waiting to be uploaded, kept in IndexedDB so that a photo taken with no signal survives
 * a closed tab, a reload or a flat battery. One database per user (a shared phone keeps each
 * person's photos apart); every write uses strict durability, so "saved on this phone" means on
 * the phone's storage. A photo leaves the queue only once the server has stored it; one the
 * server refused for good stays, marked with its refusal, until the person dismisses it.
 */
import type { PhotoTarget } from '$lib/domain/api/photos';

export interface QueuedPhoto {
	photoId: string;
	incidentId: string;
	target: PhotoTarget;
	keepLocation: boolean;
	blob: Blob;
	/** Device time it was taken, ms. */
	takenAt: number;
	attempts: number;
	/** The last failure: a refusal code or the network's, null before the first attempt. */
	lastError: string | null;
	/** `refused`: the server said no for good (wrong type, not allowed …); it is not retried. */
	state: 'waiting' | 'refused';
}

const STORE = 'photos';

function request<T>(r: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
	});
}

function done(tx: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
		tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
	});
}

export class PhotoQueue {
	#db: Promise<IDBDatabase> | null = null;

	constructor(readonly userId: string) {}

	get name(): string {
		return `sitroom-photos-${this.userId}`;
	}

	#open(): Promise<IDBDatabase> {
		this.#db ??= new Promise((resolve, reject) => {
			const r = indexedDB.open(this.name, 1);
			r.onupgradeneeded = () => {
				r.result.createObjectStore(STORE, { keyPath: 'photoId' });
			};
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => {
				this.#db = null;
				reject(r.error ?? new Error('IndexedDB could not be opened'));
			};
		});
		return this.#db;
	}

	/** Writes (adds or replaces) one photo; resolves once it is on the phone's storage. */
	async put(photo: QueuedPhoto): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
		tx.objectStore(STORE).put(photo);
		await done(tx);
	}

	async list(): Promise<QueuedPhoto[]> {
		const db = await this.#open();
		const all = await request(db.transaction(STORE, 'readonly').objectStore(STORE).getAll());
		return (all as QueuedPhoto[]).sort((a, b) => a.takenAt - b.takenAt);
	}

	async get(photoId: string): Promise<QueuedPhoto | undefined> {
		const db = await this.#open();
		return (await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(photoId))) as
			QueuedPhoto | undefined;
	}

	async remove(photoId: string): Promise<void> {
		const db = await this.#open();
		const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
		tx.objectStore(STORE).delete(photoId);
		await done(tx);
	}

	close(): void {
		void this.#db?.then((db) => db.close());
		this.#db = null;
	}
}
