/**
 * Which connection writes under which Yjs client id, per room. A connection claims a client id
 * the first time an accepted update of its uses it; another connection using the same id while
 * the claim stands is refused, so no one can append to (or pose as) someone else's stream of
 * changes. Claims end when the connection leaves the room: a client that reconnects keeps its
 * Y.Doc and client id, and must be able to carry on under it.
 */
import type { Peer } from '../rooms/peer.ts';

export class ClientClaims {
	#owner = new Map<number, Peer>();
	#byPeer = new Map<Peer, Set<number>>();

	/** The first client id of `clients` claimed by another connection, if any. */
	conflict(peer: Peer, clients: Iterable<number>): number | null {
		for (const c of clients) {
			const owner = this.#owner.get(c);
			if (owner && owner !== peer) return c;
		}
		return null;
	}

	claim(peer: Peer, clients: Iterable<number>): void {
		let mine = this.#byPeer.get(peer);
		for (const c of clients) {
			if (this.#owner.has(c)) continue;
			this.#owner.set(c, peer);
			if (!mine) this.#byPeer.set(peer, (mine = new Set()));
			mine.add(c);
		}
	}

	release(peer: Peer): void {
		const mine = this.#byPeer.get(peer);
		if (!mine) return;
		for (const c of mine) this.#owner.delete(c);
		this.#byPeer.delete(peer);
	}
}
