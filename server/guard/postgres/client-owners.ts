/**
 * The `doc_client_owners` table in PostgreSQL: a ClientOwnerStore (synchronous; ../client-owners.ts
 * says why). The bindings are held in memory, read at start; `bind` records a binding there at
 * once and queues it, and the document store writes the queue in the same transaction as its next
 * log append (a PgCommitParticipant). The update that claims an id is applied after `bind`
 * returns and written in that append or a later one, so a binding is on disk no later than its
 * update, and never lost while its update survives. A transaction that rolls back leaves the
 * queue as it was, for the next one.
 */
import type { PgClient, PgPool } from '../../store/postgres/database.ts';
import type { PgCommitParticipant } from '../../store/postgres/pg-doc-store.ts';
import type { ClientOwnerStore } from '../client-owners.ts';

interface Binding {
	room: string;
	client: number;
	userId: string;
	at: number;
}

export class PgClientOwnerStore implements ClientOwnerStore, PgCommitParticipant {
	readonly #byRoom = new Map<string, Map<number, string>>();
	/** Bindings not yet written, in the order made. */
	#pending: Binding[] = [];

	private constructor() {}

	/** The store with every binding stored in `pool`'s database. */
	static async load(pool: PgPool): Promise<PgClientOwnerStore> {
		const store = new PgClientOwnerStore();
		const res = await pool.query<{ room: string; client_id: number; user_id: string }>(
			'SELECT room, client_id, user_id FROM doc_client_owners'
		);
		for (const r of res.rows) store.#ofRoom(r.room).set(r.client_id, r.user_id);
		return store;
	}

	/**
	 * Reads the bindings of `room` other nodes wrote since this node loaded them (several nodes:
	 * before this node becomes the room's owner and judges its updates).
	 */
	async refresh(pool: PgPool, room: string): Promise<void> {
		const res = await pool.query<{ client_id: number; user_id: string }>(
			'SELECT client_id, user_id FROM doc_client_owners WHERE room = $1',
			[room]
		);
		const owners = this.#ofRoom(room);
		for (const r of res.rows)
			if (!owners.has(Number(r.client_id))) owners.set(Number(r.client_id), r.user_id);
	}

	ownersOf(room: string): Map<number, string> {
		return new Map(this.#byRoom.get(room));
	}

	bind(room: string, clients: readonly number[], userId: string): void {
		const owners = this.#ofRoom(room);
		const at = Date.now();
		for (const client of clients) {
			if (owners.has(client)) continue;
			owners.set(client, userId);
			this.#pending.push({ room, client, userId, at });
		}
	}

	/** How many bindings wait for the next log append (for tests). */
	get pending(): number {
		return this.#pending.length;
	}

	async stage(client: PgClient): Promise<(() => void) | void> {
		const taken = this.#pending.length;
		if (taken === 0) return;
		const rows = this.#pending.slice(0, taken);
		await client.query(
			`INSERT INTO doc_client_owners (room, client_id, user_id, bound_at)
			 SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[])
			 ON CONFLICT (room, client_id) DO NOTHING`,
			[rows.map((b) => b.room), rows.map((b) => b.client), rows.map((b) => b.userId), rows.map((b) => b.at)]
		);
		return () => {
			this.#pending = this.#pending.slice(taken);
		};
	}

	close(): void {}

	#ofRoom(room: string): Map<number, string> {
		let owners = this.#byRoom.get(room);
		if (!owners) this.#byRoom.set(room, (owners = new Map()));
		return owners;
	}
}
