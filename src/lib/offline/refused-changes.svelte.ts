/**
 * Changes the server refused, kept on this device (strictly written, in the room's database) and
 * listed until the person dismisses each one: nothing typed in the field vanishes without being
 * shown. The server already undid them in the document; this is the only copy of what was typed.
 */
import type { RefusedChange } from '$lib/domain/protocol';
import { done, request } from './idb.ts';

export const REFUSED = 'refused';

export interface RefusedRecord {
	/** The server's refusal id. */
	id: string;
	room: string;
	change: RefusedChange;
	/** When the server's answer reached this device. */
	at: number;
}

export class RefusedChanges {
	#list = $state.raw<RefusedRecord[]>([]);

	private constructor(
		private readonly db: IDBDatabase,
		readonly room: string,
		stored: RefusedRecord[]
	) {
		this.#list = stored.sort((a, b) => a.at - b.at);
	}

	static async open(db: IDBDatabase, room: string): Promise<RefusedChanges> {
		const tx = db.transaction(REFUSED, 'readonly');
		const stored = await request(tx.objectStore(REFUSED).getAll() as IDBRequest<RefusedRecord[]>);
		return new RefusedChanges(db, room, stored);
	}

	get list(): readonly RefusedRecord[] {
		return this.#list;
	}

	async add(changes: readonly RefusedChange[]): Promise<void> {
		const at = Date.now();
		const fresh = changes
			.filter((c) => !this.#list.some((r) => r.id === c.id))
			.map((change) => ({ id: change.id, room: this.room, change, at }));
		if (fresh.length === 0) return;
		this.#list = [...this.#list, ...fresh];
		const tx = this.db.transaction(REFUSED, 'readwrite', { durability: 'strict' });
		for (const r of fresh) tx.objectStore(REFUSED).put(r);
		await done(tx);
	}

	/**
	 * Forgets one, from the list only once its deletion is committed: a page closed or reloaded
	 * right after the tap aborts a transaction still running, and the change would come back
	 * after it had gone from the screen (seen in CI: dismissed, reloaded, listed again).
	 */
	async dismiss(id: string): Promise<void> {
		const tx = this.db.transaction(REFUSED, 'readwrite', { durability: 'strict' });
		tx.objectStore(REFUSED).delete(id);
		await done(tx);
		this.#list = this.#list.filter((r) => r.id !== id);
	}
}
