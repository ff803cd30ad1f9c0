/**
 * Presence as the server vouches for it. Every awareness state a client publishes has its
 * `user` replaced by the server's view of the connection (id, name, organisation, role), so a
 * client cannot pose as someone else; and each connection is held to a rate.
 *
 * Rate: a token bucket per connection (default 20 states per second, bursts of 20). States over
 * the rate are dropped, not refused: presence is lossy by nature (the next pointer move replaces
 * the dropped one), and refusing would make a client resync its document for a cursor wiggle.
 * A client going away (state null) is never dropped, so no ghost stays in the room.
 *
 * Presenting: the presenter is whoever started presenting last (`presentingSince`). Regression
 * (security review): a viewer took presenter mode for ever with a far-future time. The server now
 * writes the time itself, when a connection starts presenting, and keeps it while it presents;
 * roles that may not present (policy `mayPresent`) publish null.
 */
import { mayPresent } from '#domain/policy';
import type { AwarenessEntry } from '../rooms/frames.ts';
import type { PeerIdentity } from '../rooms/peer.ts';

export interface StampedUser {
	id: string;
	name: string;
	org: string;
	orgName: string;
	role: string;
}

export function stampedUser(identity: PeerIdentity): StampedUser {
	return {
		id: identity.userId,
		name: identity.displayName,
		org: identity.orgId,
		orgName: identity.orgName,
		role: identity.role
	};
}

export interface AwarenessRate {
	/** States per second allowed per connection. */
	perSecond: number;
	/** Largest burst. */
	burst: number;
}

/** One connection's presence as the server keeps it: its rate and since when it presents. */
export class PeerPresence {
	/** Server time this connection started presenting, or null. */
	presentingSince: number | null = null;
	constructor(readonly bucket: AwarenessBucket) {}
}

export class AwarenessBucket {
	#tokens: number;
	#at: number;
	constructor(
		private readonly rate: AwarenessRate,
		private readonly now: () => number = () => performance.now()
	) {
		this.#tokens = rate.burst;
		this.#at = now();
	}

	take(): boolean {
		const t = this.now();
		this.#tokens = Math.min(this.rate.burst, this.#tokens + ((t - this.#at) / 1000) * this.rate.perSecond);
		this.#at = t;
		if (this.#tokens < 1) return false;
		this.#tokens -= 1;
		return true;
	}
}

/**
 * Stamps and rate-limits `entries` in place (the room applies what is left). Anonymous peers
 * get `user: null`: they may be present but cannot claim to be anyone.
 */
export function stampAwareness(
	entries: AwarenessEntry[],
	identity: PeerIdentity | null,
	presence: PeerPresence,
	now: () => number = Date.now
): void {
	const user = identity ? stampedUser(identity) : null;
	let kept = 0;
	for (const e of entries) {
		if (e.state !== null) {
			if (!presence.bucket.take()) continue;
			e.state.user = user;
			if ('presentingSince' in e.state) {
				if (typeof e.state.presentingSince === 'number' && mayPresent(identity)) {
					presence.presentingSince ??= now();
				} else {
					presence.presentingSince = null;
				}
				e.state.presentingSince = presence.presentingSince;
			}
		}
		entries[kept++] = e;
	}
	entries.length = kept;
}
