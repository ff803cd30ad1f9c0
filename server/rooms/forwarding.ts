/**
 * A room on a node that does not own it (several nodes, server/cluster/): its document follows
 * the owner's committed updates (Room.applyRelayed), and what would change it is handed to the
 * owner instead of being applied here. The owner judges, commits and publishes; this room applies
 * the result when it is relayed back, like every other committed update.
 */
import type { FrameResult } from './frame-result.ts';
import type { ActingFor } from './origin.ts';
import type { Peer } from './peer.ts';

export interface Forwarder {
	/**
	 * A peer's update, for the owner to judge and commit. Resolves with what became of it (the
	 * acknowledgement the peer gets), once the owner committed it and this room applied it; never
	 * rejects (an owner that does not answer is a named refusal).
	 */
	update(peer: Peer, update: Uint8Array, deviceAt: number | null): Promise<FrameResult>;
	/**
	 * A server-made change, as the update it made on a copy of this room's document, committed by
	 * the owner for `by` (null: the server itself). Resolves once committed and applied here.
	 */
	change(update: Uint8Array, by: ActingFor | null): Promise<void>;
	/** A peer that forwarded updates left this room: the owner lets its stand-in go. */
	left(peer: Peer): void;
}
