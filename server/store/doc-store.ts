/**
 * Durable storage of room documents: an append-only update log with server-side metadata, and
 * snapshots that make loading cheap. Implementations must pass tests/store/doc-store-contract.ts.
 *
 * History is never deleted: a snapshot only lets a load skip the log entries it covers, so an
 * incident can always be replayed update by update (after-action review, 复盘).
 */

/** Who and what a stored update came from, as the server saw it. */
export interface UpdateOrigin {
	/** The authenticated user, or null for server-made changes and anonymous peers. */
	userId: string | null;
	orgId: string | null;
	/** Connection id, for tracing one session's changes; null for server-made changes. */
	connectionId: string | null;
}

export interface AppendEntry extends UpdateOrigin {
	room: string;
	/** A Yjs update (v1 encoding). */
	update: Uint8Array;
	/** Server time in ms since the epoch. */
	at: number;
	/**
	 * Changes of this update the server undid (accept and compensate), to be recorded in the same
	 * transaction as the entry by the store's EntryCompanion (the guard's refusal records).
	 */
	refusals?: readonly UndoneChange[];
}

/** One change of a logged update that the server undid, as recorded with it. */
export interface UndoneChange {
	id: string;
	collection: string;
	entityId: string | null;
	field: string | null;
	op: 'create' | 'update' | 'delete';
	attempted: unknown;
	reason: string;
	deviceAt?: number | null;
}

/**
 * Writes what belongs with a log entry (its refusal records) in the transaction that appends the
 * entry, once the entry has its sequence number. Throwing rolls the whole commit back.
 */
export type EntryCompanion = (entry: AppendEntry, seq: number) => void;

export interface StoredUpdate extends UpdateOrigin {
	room: string;
	seq: number;
	at: number;
	update: Uint8Array;
	size: number;
}

export interface LoadedRoom {
	/** Full document state as of `snapshotSeq`, or null if the room has no snapshot yet. */
	snapshot: Uint8Array | null;
	snapshotSeq: number;
	/**
	 * The snapshot's Yjs state vector, when it was stored with one: lets a room answer a client
	 * from the stored bytes without decoding the whole snapshot first.
	 */
	snapshotStateVector: Uint8Array | null;
	/** Log entries after the snapshot, in sequence order. */
	updates: StoredUpdate[];
}

/**
 * Entries a store has written, in two stages of durability. The room shows a change to others
 * at the first and tells its author "saved" at the second.
 */
export interface Written {
	/**
	 * Each entry's per-room sequence number, in order. The entries are written: they survive the
	 * server process being killed (they are in the operating system's hands) and any later read
	 * returns them.
	 */
	seqs: number[];
	/**
	 * Resolves once the entries also survive a power cut (on disk); rejects if making them so
	 * failed. Stores without the distinction resolve it at once.
	 */
	onDisk: Promise<void>;
}

/** Which part of a room's log `history` reads, and how many entries it reads at a time. */
export interface HistoryRange {
	/** The first sequence number read (inclusive); default 1. */
	fromSeq?: number;
	/** The last sequence number read (inclusive); default the end of the log. */
	toSeq?: number;
	/** Entries read from storage at a time; default DEFAULT_HISTORY_PAGE_SIZE. */
	pageSize?: number;
}

/**
 * Entries `history` reads at a time unless told otherwise. An entry is at most one message
 * (MAX_MESSAGE_BYTES), so a page stays a bounded amount of memory; most entries are far smaller.
 */
export const DEFAULT_HISTORY_PAGE_SIZE = 256;

export interface DocStore {
	/** A short name for logs and /readyz ("sqlite", "memory", …). */
	readonly kind: string;
	/**
	 * Appends entries (possibly for several rooms) durably. Calls made close together are
	 * group-committed. Resolves with each entry's per-room sequence number, in order, only once
	 * the entries are durable; rejects if they are not (then none of them is).
	 */
	append(entries: readonly AppendEntry[]): Promise<number[]>;
	/**
	 * append() in its two stages: resolves once the entries are written (see Written), with a
	 * promise for when they are on disk. Rejects if they could not be written (then none is).
	 */
	write(entries: readonly AppendEntry[]): Promise<Written>;
	load(room: string): Promise<LoadedRoom>;
	/**
	 * Records a snapshot of the whole document covering the log up to and including `seq`, with
	 * the document's state vector (Y.encodeStateVector) when the caller has it.
	 */
	writeSnapshot(room: string, seq: number, state: Uint8Array, stateVector?: Uint8Array): Promise<void>;
	/**
	 * The log of a room in sequence order, within `range`, read from storage a page at a time:
	 * a year-long incident is replayed without holding its whole log. Entries appended while
	 * the reader is between pages are read if they fall in the range. Throws
	 * InvalidHistoryRangeError at once for a page size that is not a positive whole number.
	 */
	history(room: string, range?: HistoryRange): AsyncIterable<StoredUpdate>;
	/** Whether the store can take writes now (for /readyz). */
	isReady(): boolean;
	/** Commits anything pending and releases resources. */
	close(): Promise<void>;
}

export class StoreClosedError extends Error {
	override readonly name = 'StoreClosedError';
	constructor() {
		super('the document store is closed');
	}
}

export class InvalidHistoryRangeError extends RangeError {
	override readonly name = 'InvalidHistoryRangeError';
}
