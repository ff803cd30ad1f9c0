/**
 * Attribution: who changed which entity and field of an incident, and when, as the server saw
 * it. Rows are derived from accepted updates by the guard (never from anything a client says)
 * and keyed to the update log's sequence number, so each row can be traced to its update.
 *
 * The guard records the rows of each committed batch in its onCommitted, which the room awaits
 * before it broadcasts or acknowledges the batch: an update anyone was told was saved has its
 * attribution written too. Async, so that a database server can implement it;
 * sqlite/attribution-store.ts is the embedded one, and every implementation passes
 * tests/guard/attribution-store-contract.ts.
 */
import type { ChangeOp } from './evaluate.ts';

export interface ChangeRow {
	room: string;
	seq: number;
	at: number;
	userId: string | null;
	orgId: string | null;
	collection: string;
	entityId: string | null;
	field: string | null;
	op: ChangeOp;
}

export interface EntityAttribution {
	collection: string;
	entityId: string | null;
	createdBy: string | null;
	createdAt: number | null;
	lastChangedBy: string | null;
	lastChangedAt: number;
}

export interface AttributionStore {
	/**
	 * Stores the rows of one committed batch; resolves once they are written (they survive the
	 * process being killed), rejects if they could not be (then none is).
	 */
	record(rows: readonly ChangeRow[]): Promise<void>;
	/**
	 * Every change to one entity (or, with entityId null, to the incident's own fields of that
	 * collection), newest first: by seq, then the later-recorded row of one seq first.
	 */
	changesOf(room: string, collection: string, entityId: string | null, limit?: number): Promise<ChangeRow[]>;
	/**
	 * Per entity of a room, by collection and id: who created it (its first `create` of the
	 * whole entity, if recorded) and who changed it last.
	 */
	attribution(room: string): Promise<EntityAttribution[]>;
	/** Releases what the store holds; after the rooms closed, before the database. */
	close(): void;
}

/** A row of the `doc_changes` table, the same on SQLite and PostgreSQL. */
export interface ChangeTableRow {
	room: string;
	seq: number;
	at: number;
	user_id: string | null;
	org_id: string | null;
	collection: string;
	entity_id: string | null;
	field: string | null;
	op: ChangeOp;
}

export const toChange = (r: ChangeTableRow): ChangeRow => ({
	room: r.room,
	seq: r.seq,
	at: r.at,
	userId: r.user_id,
	orgId: r.org_id,
	collection: r.collection,
	entityId: r.entity_id,
	field: r.field,
	op: r.op
});
