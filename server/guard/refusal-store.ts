/**
 * Refusal records: every change of an accepted update that the server undid because its author
 * may not make it (accept and compensate, compensation.ts), with who tried it, in which incident,
 * what they tried to write, why not, the server's time and the device's time if the client sent
 * one. They are written in the same transaction as the update's log entry (the document store's
 * EntryCompanion, sqlite/refusal-store.ts), so an update is never on disk without its refusals,
 * nor a refusal without its update; `record` writes rows on their own (a repository that imports
 * them, tests).
 *
 * Async, so that a database server can implement it; every implementation passes
 * tests/guard/refusal-store-contract.ts.
 */
import type { RefusedChange } from '#domain/protocol';

export interface RefusalRecord extends RefusedChange {
	/** The incident (room) the update was for. */
	room: string;
	/** The sequence number of the update's entry in the room's log. */
	seq: number;
	/** Server time of the update, ms since the epoch. */
	at: number;
	userId: string | null;
	orgId: string | null;
	/** When the author's device says the update was made, or null if it did not say. */
	deviceAt: number | null;
}

export interface RefusalStore {
	/** Stores refusal records; resolves once written, rejects if they could not be (then none is). */
	record(rows: readonly RefusalRecord[]): Promise<void>;
	/**
	 * An incident's refusal records, oldest first (by seq, then as recorded); `userId` narrows to
	 * one author; `offset` skips that many of them (the table is append-only, so pages are stable).
	 */
	ofIncident(
		room: string,
		opts?: { userId?: string; limit?: number; offset?: number }
	): Promise<RefusalRecord[]>;
	/** One record by its id, or null. */
	byId(id: string): Promise<RefusalRecord | null>;
	/** Releases what the store holds; after the rooms closed, before the database. */
	close(): void;
}
