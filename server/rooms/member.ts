/** A peer's membership of a room: what the room keeps for it while it is joined. */
import { peerOrigin, type PeerOrigin } from './origin.ts';
import type { Peer } from './peer.ts';
import { SyncAnswerPacer, type SyncAnswerBudget } from './sync-answer-pacer.ts';

export class Member {
	/** The transaction origin of every update it sends, made once. */
	readonly origin: PeerOrigin;
	readonly answers: SyncAnswerPacer;

	/** `lookAgain` runs when a sync request it deferred may be answered now. */
	constructor(
		readonly peer: Peer,
		budget: SyncAnswerBudget,
		lookAgain: () => void
	) {
		this.origin = peerOrigin(peer);
		this.answers = new SyncAnswerPacer(budget, lookAgain);
	}
}
