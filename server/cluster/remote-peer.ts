/**
 * The owner's stand-in for a client connected to another node: a member of the owner's room, so
 * that the hooks (identity, access, the guard's per-connection limits and client-id claims) judge
 * the client's forwarded updates as they judge a local one. It receives no frames (the client's
 * own node serves its sync and presence from its replica); a refusal or a close is sent back to
 * that node, which tells the client.
 */
import type { CloseReason, RefusedChange } from '#domain/protocol';
import type { Peer, PeerIdentity } from '../rooms/peer.ts';
import type { FromOwner } from './wire.ts';

export class RemotePeer implements Peer {
	/** When it last forwarded anything (the owner lets idle stand-ins go). */
	lastUsed = Date.now();
	/** Its forwarded frames, handled one after the other in the order sent. */
	chain: Promise<void> = Promise.resolve();
	/** The room instance it joined (a room reloaded since is joined again). */
	joined: object | null = null;

	constructor(
		readonly node: string,
		readonly room: string,
		readonly id: string,
		readonly identity: PeerIdentity | null,
		readonly transport: Peer['transport'],
		private readonly reply: (to: string, message: FromOwner) => void,
		private readonly onClosed: (peer: RemotePeer) => void
	) {}

	send(): void {
		// The client's node sends it the room's state and changes from its own replica.
	}

	refuse(reason: CloseReason, message: string): void {
		this.reply(this.node, { kind: 'refuse', room: this.room, conn: this.id, reason: reason.reason, message });
	}

	refusedChanges(changes: readonly RefusedChange[]): void {
		this.reply(this.node, { kind: 'refused-changes', room: this.room, conn: this.id, changes });
	}

	close(reason: CloseReason, message: string): void {
		this.onClosed(this);
		this.reply(this.node, { kind: 'close', room: this.room, conn: this.id, reason: reason.reason, message });
	}
}
