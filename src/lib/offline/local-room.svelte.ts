/**
 * One room kept on this device, in its own IndexedDB database per user and incident (a shared
 * phone keeps each person's work apart): the document as last seen and the outbox of local
 * changes not yet on the server (strict, see outbox.ts). The document is written a moment after
 * its first sync the first time (a room opened for the first time, then reloaded with no network
 * within seconds, must still open as it was), then at most every few seconds, and at once when the page is hidden
 * or left (a reload does not destroy the page's components, so `close` alone would miss it). The refused changes of the same room
 * live beside them (refused-changes.svelte.ts).
 */
import * as Y from 'yjs';
import { done, openDatabase, request } from './idb.ts';
import { Outbox, OUTBOX, type OutboxRecord } from './outbox.ts';
import type { RefusedChange } from '$lib/domain/protocol';
import { REFUSED, RefusedChanges } from './refused-changes.svelte.ts';
import { recordWaiting } from './waiting-registry.ts';

const DOC = 'doc';
const STATE_KEY = 'state';
/** How long after a change the document is written (it is re-encoded whole each time). */
const SNAPSHOT_DELAY_MS = 2_000;
/** How long after the first sync a room not yet on the device is written (after its first render). */
const FIRST_SNAPSHOT_DELAY_MS = 300;
/**
 * After that delay, the first write also waits for the main thread to be idle (the first render
 * done: the map draws its layers in successive frames), at most this long. On a loaded machine the
 * 300 ms alone still landed the encoding of a 5,000-annotation room (2 MB) inside the first render.
 */
const FIRST_SNAPSHOT_IDLE_TIMEOUT_MS = 3_000;

/** The origin of what is put back into a document from this device (never sent as new). */
export const RESTORED = Symbol('restored');

export function roomDatabaseName(userId: string, room: string): string {
	return `sitroom-room:${userId}:${room}`;
}

export function openRoomDatabase(userId: string, room: string): Promise<IDBDatabase> {
	return openDatabase(roomDatabaseName(userId, room), 1, (db) => {
		if (!db.objectStoreNames.contains(DOC)) db.createObjectStore(DOC);
		if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, { keyPath: ['page', 'seq'] });
		if (!db.objectStoreNames.contains(REFUSED)) db.createObjectStore(REFUSED, { keyPath: 'id' });
	});
}

export class LocalRoom {
	#waiting = $state(0);
	#stored = $state(true);
	#failure = $state<string | null>(null);
	readonly outbox: Outbox;
	#doc: Y.Doc | null = null;
	#snapshotTimer: ReturnType<typeof setTimeout> | null = null;
	#snapshotIdle: number | null = null;
	#registryTimer: ReturnType<typeof setTimeout> | null = null;
	#closed = false;
	/** Whether the device holds a copy of the document (read at open, or written since). */
	#kept: boolean;

	private constructor(
		readonly userId: string,
		readonly room: string,
		readonly db: IDBDatabase,
		/** Changes the server refused, kept until the person dismisses each. */
		readonly refused: RefusedChanges,
		private readonly snapshot: Uint8Array | undefined,
		private readonly records: OutboxRecord[]
	) {
		this.outbox = new Outbox(db, records, {
			changed: () => this.#changed(),
			failed: (err) => {
				this.#failure = err instanceof Error ? err.message : String(err);
				this.#changed();
			}
		});
		this.#waiting = this.outbox.size;
		this.#kept = snapshot !== undefined;
		if (typeof window !== 'undefined') {
			window.addEventListener('pagehide', this.#flush);
			document.addEventListener('visibilitychange', this.#flushWhenHidden);
		}
	}

	static async open(userId: string, room: string): Promise<LocalRoom> {
		const db = await openRoomDatabase(userId, room);
		const tx = db.transaction([DOC, OUTBOX], 'readonly');
		const [snapshot, records] = await Promise.all([
			request(tx.objectStore(DOC).get(STATE_KEY) as IDBRequest<Uint8Array | undefined>),
			request(tx.objectStore(OUTBOX).getAll() as IDBRequest<OutboxRecord[]>)
		]);
		const refused = await RefusedChanges.open(db, room);
		return new LocalRoom(userId, room, db, refused, snapshot, records);
	}

	/** Changes made here that the server has not acknowledged as on disk. */
	get waiting(): number {
		return this.#waiting;
	}
	/** Every change made here is on this device's disk. */
	get storedLocally(): boolean {
		return this.#stored;
	}
	/** Why writing to this device failed (storage full …), or null. */
	get failure(): string | null {
		return this.#failure;
	}

	/** Keeps changes the server refused (what was typed, why) on this device. */
	keepRefused(changes: readonly RefusedChange[]): void {
		this.refused.add(changes).catch((err: unknown) => {
			this.#failure = err instanceof Error ? err.message : String(err);
		});
	}

	/** Puts the stored document and the waiting changes into `doc`, before it syncs. */
	restore(doc: Y.Doc): void {
		Y.transact(
			doc,
			() => {
				if (this.snapshot) Y.applyUpdate(doc, this.snapshot, RESTORED);
				for (const r of this.records) Y.applyUpdate(doc, r.update, RESTORED);
			},
			RESTORED
		);
	}

	/** Keeps `doc` on this device from now on (a document replaced after a resync too). */
	keep(doc: Y.Doc): void {
		this.#doc?.off('afterTransaction', this.#scheduleSnapshot);
		this.#doc = doc;
		doc.on('afterTransaction', this.#scheduleSnapshot);
		this.#scheduleSnapshot();
	}

	#scheduleSnapshot = (): void => {
		if (this.#snapshotTimer || this.#snapshotIdle !== null || this.#closed) return;
		// Nothing kept yet: write soon after the first sync, but not in the frames that draw it
		// (encoding a large room is a task of tens of milliseconds on a phone).
		const first = !this.#kept;
		const delay = first ? FIRST_SNAPSHOT_DELAY_MS : SNAPSHOT_DELAY_MS;
		this.#snapshotTimer = setTimeout(() => {
			this.#snapshotTimer = null;
			if (first && typeof requestIdleCallback === 'function') {
				this.#snapshotIdle = requestIdleCallback(
					() => {
						this.#snapshotIdle = null;
						this.#writeSnapshot();
					},
					{ timeout: FIRST_SNAPSHOT_IDLE_TIMEOUT_MS }
				);
			} else this.#writeSnapshot();
		}, delay);
	};

	/** Writes a pending snapshot now (the page is hidden or being left). */
	#flush = (): void => {
		if (this.#snapshotIdle !== null) {
			cancelIdleCallback(this.#snapshotIdle);
			this.#snapshotIdle = null;
			this.#writeSnapshot();
			return;
		}
		if (!this.#snapshotTimer) return;
		clearTimeout(this.#snapshotTimer);
		this.#snapshotTimer = null;
		this.#writeSnapshot();
	};

	#flushWhenHidden = (): void => {
		if (document.visibilityState === 'hidden') this.#flush();
	};

	#writeSnapshot(): void {
		const doc = this.#doc;
		if (!doc || this.#closed) return;
		// An empty document (before the first sync) does not count as the room kept.
		const content = doc.store.clients.size > 0;
		try {
			const tx = this.db.transaction(DOC, 'readwrite');
			tx.objectStore(DOC).put(Y.encodeStateAsUpdate(doc), STATE_KEY);
			done(tx).then(
				() => {
					if (content) this.#kept = true;
				},
				(err: unknown) => console.warn('sitroom: could not keep the room on this device', err)
			);
		} catch (err) {
			// The database is closing (the page is being left): the outbox holds every local change.
			console.warn('sitroom: could not keep the room on this device', err);
		}
	}

	#changed(): void {
		this.#waiting = this.outbox.size;
		this.#stored = this.outbox.stored;
		if (this.#registryTimer) return;
		this.#registryTimer = setTimeout(() => {
			this.#registryTimer = null;
			recordWaiting({ userId: this.userId, room: this.room, count: this.outbox.size }).catch((err: unknown) =>
				console.warn('sitroom: could not record waiting changes', err)
			);
		}, 100);
	}

	/** Writes the document now (leaving the page) and stops keeping it. */
	close(): void {
		if (this.#closed) return;
		this.#flush();
		this.#doc?.off('afterTransaction', this.#scheduleSnapshot);
		if (typeof window !== 'undefined') {
			window.removeEventListener('pagehide', this.#flush);
			document.removeEventListener('visibilitychange', this.#flushWhenHidden);
		}
		this.#closed = true;
	}
}
