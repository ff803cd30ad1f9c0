/**
 * Extension points of the realtime core. Authentication, the permission guard, attribution
 * and the incident index plug in here; the core calls them in order and knows none of them.
 * Each hook gets one typed payload. A hook refuses by throwing a Refusal (see refusal.ts).
 */
import type * as Y from 'yjs';
import type { AwarenessEntry, DecodedUpdate } from './frames.ts';
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
}

export interface AwarenessPayload {
	room: RoomInfo;
	peer: Peer;
	/** Decoded entries; a hook may rewrite `state` in place (to stamp identity) or throw. */
	entries: AwarenessEntry[];
}

export interface CommittedUpdate extends StoredUpdate {
	/** The peer the update came from; null for server-made changes. */
	peer: Peer | null;
	/** What each hook's checkUpdate returned for it, by hook index (undefined if none ran). */
	checks: readonly unknown[];
}

export interface CommittedPayload {
	room: RoomInfo;
	/** Updates just made durable, in order, with their sequence numbers and origins. */
	updates: CommittedUpdate[];
}

export interface RoomHooks {
	/** Before a peer gets any state of the room. May be async (look-ups); throw to refuse. */
	onJoin?(payload: JoinPayload): void | Promise<void>;
	/**
	 * Before an incoming update is applied, persisted or broadcast. Synchronous by design.
	 * Whatever it returns (e.g. the entities the update touches) is handed back with the
	 * committed update in `onCommitted`, so the work is not done twice.
	 */
	checkUpdate?(payload: CheckUpdatePayload): unknown;
	/**
	 * For a change the server makes for a user (`room.change(fn, by)`): what it did, read from its
	 * transaction, returned like checkUpdate's result and handed to onCommitted with it. Not a
	 * check (whoever called `change` authorised it); must not throw.
	 */
	describeChange?(payload: { room: RoomInfo; transaction: Y.Transaction }): unknown;
	/** Before an incoming awareness update is applied and relayed. */
	onAwareness?(payload: AwarenessPayload): void;
	/** After updates are durable and before they are broadcast. Must not throw. */
	onCommitted?(payload: CommittedPayload): void;
	/**
	 * Once the room's stored state is decoded into its document, before any change is applied to
	 * it. Synchronous: it runs inside the first read of `room.doc`. A room that only serves new
	 * clients from its stored bytes may not have run it yet.
	 */
	onLoaded?(payload: { room: RoomInfo }): void;
	/** After a peer left (closed, disconnected or refused). */
	onLeave?(payload: JoinPayload): void;
}
