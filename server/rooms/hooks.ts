/**
 * Extension points of the realtime core. Authentication, the permission guard, attribution
 * and the incident index plug in here; the core calls them in order and knows none of them.
 * Each hook gets one typed payload. A hook refuses by throwing a Refusal (see refusal.ts).
 *
 * Each hook has a rule, and the one runner (hook-runner.ts) enforces it, so no extension needs
 * a try/catch of its own to keep the pipeline going:
 * - may refuse: onJoin, checkUpdate, onAwareness (what they throw refuses the join or message);
 * - must not throw: describeChange, onCommitted, onLeave (a failure is logged, the rest goes on);
 * - onLoaded must not throw either, and one that does fails the room (a hook that could not
 *   prepare the document, such as the guard typing its roots, could not judge changes to it).
 */
import type * as Y from 'yjs';
import type { RefusedChange } from '#domain/protocol';
import type { AwarenessEntry, DecodedUpdate } from './frames.ts';
import type { CommittedOrigin } from './origin.ts';
import type { Peer } from './peer.ts';
import type { StoredUpdate } from '../store/doc-store.ts';

export interface RoomInfo {
	readonly name: string;
	readonly doc: Y.Doc;
}

export interface JoinPayload {
	room: RoomInfo;
	peer: Peer;
}

export interface CheckUpdatePayload {
	room: RoomInfo;
	peer: Peer;
	/** The incoming update (v1), not yet applied. */
	update: Uint8Array;
	/** The same update decoded (Y.decodeUpdate); read it, do not change it. */
	decoded: DecodedUpdate;
	/** When the author's device says the update was made (the frame's metadata), if it said. */
	deviceAt: number | null;
	/**
	 * Accept and compensate: the update is applied, and then, at once and in the same drain, the
	 * room applies `compensation.undo` as a change of the server's own. Its `refused` changes are
	 * recorded with the update's log entry (same transaction) and told to the author. For changes
	 * the author may not make inside an update that is otherwise fine to apply; an update that
	 * must not be applied at all is refused by throwing.
	 */
	compensate(compensation: Compensation): void;
}

/** The parts of an accepted update a hook undoes, and what it tells the author about them. */
export interface Compensation {
	readonly refused: readonly RefusedChange[];
	/** Undoes those parts; runs inside a transaction after the update applied. Must not throw. */
	undo(doc: Y.Doc): void;
}

export interface DescribeChangePayload {
	room: RoomInfo;
	/** The finished transaction of the change. */
	transaction: Y.Transaction;
}

export interface AwarenessPayload {
	room: RoomInfo;
	peer: Peer;
	/** Decoded entries; a hook may rewrite `state` in place (to stamp identity) or throw. */
	entries: AwarenessEntry[];
}

/**
 * An update as committed. A relayed one (origin `relay`) was logged and attributed by the node
 * that committed it: its `seq` is that node's, its author fields are null, and this store holds
 * nothing of it.
 */
export interface CommittedUpdate extends StoredUpdate {
	origin: CommittedOrigin;
}

export interface CommittedPayload<Result> {
	room: RoomInfo;
	/** Updates just made durable (or relayed), in order, with their sequence numbers and origins. */
	updates: readonly CommittedUpdate[];
	/** What this hook's checkUpdate or describeChange returned for one of `updates`, if anything. */
	resultOf(update: CommittedUpdate): Result | undefined;
}

/**
 * One extension. `Result` is what its checkUpdate and describeChange return for an update; the
 * core hands it back with that update, to this hook only, in onCommitted (`resultOf`), so the work
 * is not done twice.
 */
export interface RoomHooks<Result = unknown> {
	/** Names the hook in the server's log (which one failed). */
	readonly name: string;
	/** Before a peer gets any state of the room. May be async (look-ups). May refuse. */
	onJoin?(payload: JoinPayload): void | Promise<void>;
	/** Before an incoming update is applied, persisted or broadcast. Synchronous by design. May refuse. */
	checkUpdate?(payload: CheckUpdatePayload): Result | undefined;
	/**
	 * For a change the server makes for a user (`room.change(fn, by)`): what it did, read from its
	 * transaction. Not a check (whoever called `change` authorised it). Must not throw: a failure
	 * loses what it would have returned, never the change.
	 */
	describeChange?(payload: DescribeChangePayload): Result | undefined;
	/** Before an incoming awareness update is applied and relayed. May refuse. */
	onAwareness?(payload: AwarenessPayload): void;
	/**
	 * After updates are durable and before they are broadcast and acknowledged, which wait for it
	 * (so it may be async). Must not throw or reject: a failure is logged, and the updates are
	 * broadcast and acknowledged all the same.
	 */
	onCommitted?(payload: CommittedPayload<Result>): void | Promise<void>;
	/**
	 * Once the room's stored state is decoded into its document, before any change is applied to
	 * it. Synchronous: it runs inside the first read of `room.doc`. A room that only serves new
	 * clients from its stored bytes may not have run it yet. Must not throw: the room fails.
	 */
	onLoaded?(payload: { room: RoomInfo }): void;
	/** After a peer left (closed, disconnected or refused). Must not throw. */
	onLeave?(payload: JoinPayload): void;
}
