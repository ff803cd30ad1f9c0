/**
 * Who is connected right now, by session and by user, across both transports, so that
 * logout, deactivation and expiry can close their connections. Room peers are tracked through
 * the core's onJoin/onLeave hooks; a transport adds connections that are in no room yet (a
 * Socket.IO socket before its first join) with `add`. Nothing here knows a transport.
 */
import type { CloseReason } from '#domain/protocol';
import type { JoinPayload, RoomHooks } from '../rooms/hooks.ts';
import type { Peer, PeerIdentity } from '../rooms/peer.ts';

export interface LiveConnection {
	readonly identity: PeerIdentity;
	close(reason: CloseReason, message: string): void;
}

interface Tracked extends LiveConnection {
	/** For room peers: lets the sweep drop entries whose join was refused by a later hook. */
	stillPresent?: () => boolean;
	since: number;
}

/** What to do with a session's connections: keep them, or close them with a reason. */
export type SessionVerdict = { keep: true } | { keep: false; reason: CloseReason; message: string };

export interface RoomAccess {
	leave(room: string, peer: Peer): void;
	isPresent(room: string, peer: Peer): boolean;
}

/** A join refused by a hook after ours never reaches onLeave; such entries are dropped after this. */
const JOIN_SETTLE_MS = 10_000;

export class LiveConnections {
	#bySession = new Map<string, Set<Tracked>>();
	#peers = new Map<Peer, Tracked>();

	constructor(private readonly rooms: RoomAccess) {}

	/** Tracks a connection; returns the function that stops tracking it. */
	add(conn: LiveConnection): () => void {
		const t: Tracked = { identity: conn.identity, close: (r, m) => conn.close(r, m), since: Date.now() };
		this.#insert(t);
		return () => this.#remove(t);
	}

	/** Hooks that track room peers. `verifyJoin` may reject with a Refusal (session no longer valid). */
	hooks(verifyJoin: (identity: PeerIdentity) => Promise<void>): RoomHooks {
		return {
			name: 'live-connections',
			onJoin: async ({ room, peer }: JoinPayload) => {
				if (!peer.identity?.sessionId) return;
				await verifyJoin(peer.identity);
				const t: Tracked = {
					identity: peer.identity,
					since: Date.now(),
					stillPresent: () => this.rooms.isPresent(room.name, peer),
					close: (reason, message) => {
						// The core's own close path: leave first (presence removed), then tell the peer.
						this.rooms.leave(room.name, peer);
						peer.close(reason, message);
					}
				};
				// A peer belongs to one room; should it join again, the new entry replaces the old.
				this.#remove(this.#peers.get(peer));
				this.#peers.set(peer, t);
				this.#insert(t);
			},
			onLeave: ({ peer }: JoinPayload) => {
				this.#remove(this.#peers.get(peer));
				this.#peers.delete(peer);
			}
		};
	}

	get size(): number {
		let n = 0;
		for (const set of this.#bySession.values()) n += set.size;
		return n;
	}

	sessionIds(): string[] {
		return [...this.#bySession.keys()];
	}

	closeSession(sessionId: string, reason: CloseReason, message: string): number {
		return this.#closeAll([...(this.#bySession.get(sessionId) ?? [])], reason, message);
	}

	closeUser(userId: string, reason: CloseReason, message: string): number {
		const matching = [...this.#bySession.values()].flatMap((set) =>
			[...set].filter((t) => t.identity.userId === userId)
		);
		return this.#closeAll(matching, reason, message);
	}

	/** Room peers first: they tell the client why; a bare connection can only be dropped. */
	#closeAll(conns: Tracked[], reason: CloseReason, message: string): number {
		const ordered = [...conns.filter((t) => t.stillPresent), ...conns.filter((t) => !t.stillPresent)];
		for (const t of ordered) this.#closeOne(t, reason, message);
		return ordered.length;
	}

	/**
	 * Applies `verdict` to every tracked session, one after the other; run periodically. A session
	 * whose connections all went while its verdict was asked for has nothing left to close.
	 */
	async sweep(verdict: (sessionId: string, sample: PeerIdentity) => Promise<SessionVerdict>): Promise<void> {
		const now = Date.now();
		for (const [peer, t] of [...this.#peers]) {
			if (now - t.since > JOIN_SETTLE_MS && t.stillPresent && !t.stillPresent()) {
				this.#remove(t);
				this.#peers.delete(peer);
			}
		}
		for (const [sid, set] of [...this.#bySession]) {
			const first = set.values().next();
			if (first.done) continue;
			const v = await verdict(sid, first.value.identity);
			if (!v.keep) this.closeSession(sid, v.reason, v.message);
		}
	}

	#closeOne(t: Tracked, reason: CloseReason, message: string): void {
		this.#remove(t);
		try {
			t.close(reason, message);
		} catch {
			// A connection already torn down by its transport has nothing left to close.
		}
	}

	#insert(t: Tracked): void {
		const sid = t.identity.sessionId;
		if (!sid) return;
		let set = this.#bySession.get(sid);
		if (!set) this.#bySession.set(sid, (set = new Set()));
		set.add(t);
	}

	#remove(t: Tracked | undefined): void {
		if (!t?.identity.sessionId) return;
		const set = this.#bySession.get(t.identity.sessionId);
		if (!set) return;
		set.delete(t);
		if (set.size === 0) this.#bySession.delete(t.identity.sessionId);
	}
}
