/**
 * What a room sends its peers: each committed update to everyone but its sender, sync answers
 * as each connection's pacer allows (sync-answer-pacer.ts), and single frames. A connection that
 * has stopped taking what it is sent is closed (SlowConnection) rather than buffered for without
 * end.
 */
import * as Y from 'yjs';
import { Close, SyncType, syncFrame } from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { CommittedEntry } from './hook-runner.ts';
import type { Member } from './member.ts';
import type { Peer } from './peer.ts';
import type { StoredState, SyncRequest } from './stored-state.ts';

export interface DeliveryOptions {
	name: string;
	/** The room's members now. */
	peers: ReadonlyMap<Peer, Member>;
	/** Takes a peer out of the room (before it is closed). */
	leave(peer: Peer): void;
	/** Most bytes one connection may have queued before it is closed (see RoomLimits). */
	maxQueuedBytes: number;
	stored: StoredState;
	/** The room's document, decoded from storage first if it has not been. */
	materialized(): Y.Doc;
	/** Whether the document may hold a half-applied update (it is about to be reloaded). */
	mustReload(): boolean;
	log: Logger;
}

/**
 * One Buffer for every peer: transports frame it once (ws-send.ts) and ws would otherwise wrap a
 * Uint8Array anew for each send.
 */
function frameOf(update: Uint8Array): Buffer {
	const bytes = syncFrame(SyncType.update, update);
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class Delivery {
	readonly #opts: DeliveryOptions;

	constructor(opts: DeliveryOptions) {
		this.#opts = opts;
	}

	/**
	 * Sends a frame to a peer, unless the peer has stopped taking what it is sent: past
	 * maxQueuedBytes queued for it, it is closed (SlowConnection) and its buffers are let go.
	 * Returns whether the peer is still in the room.
	 */
	send(peer: Peer, frame: Uint8Array): boolean {
		const queued = peer.queuedBytes?.() ?? 0;
		const { maxQueuedBytes } = this.#opts;
		if (queued > 0 && queued + frame.byteLength > maxQueuedBytes) {
			this.#opts.log.warn(
				{ room: this.#opts.name, conn: peer.id, user: peer.identity?.userId, queued },
				'connection too slow: closing it'
			);
			this.#opts.leave(peer);
			peer.close(
				Close.SlowConnection,
				`more than ${maxQueuedBytes} bytes are waiting to be sent to this connection`
			);
			return false;
		}
		peer.send(frame);
		return true;
	}

	/**
	 * Sends each committed update to every peer but the one it came from. An update followed by
	 * the server's undoing of its refused changes (accept and compensate) goes to the others merged
	 * with that undoing, in one frame, so that nobody else ever holds a refused value as current;
	 * its author gets the undoing alone.
	 */
	broadcast(committed: readonly CommittedEntry[]): void {
		const { peers } = this.#opts;
		for (let i = 0; i < committed.length; i++) {
			const c = committed[i]!;
			const from = c.origin.kind === 'peer' ? c.origin.peer : null;
			const undo = committed[i + 1]?.compensates === true ? committed[++i]! : null;
			if (undo !== null && from !== null && peers.has(from)) this.send(from, frameOf(undo.update));
			// Nobody else here (one person editing alone): no frame to build.
			if (peers.size === 0 || (peers.size === 1 && from !== null && peers.has(from))) continue;
			const frame = frameOf(undo === null ? c.update : Y.mergeUpdates([c.update, undo.update]));
			for (const peer of peers.keys()) if (peer !== from) this.send(peer, frame);
		}
	}

	/**
	 * Answers a member's sync request, called after a commit (the document then holds exactly
	 * what is written), as its pacer allows; with no request, looks again at one it deferred.
	 */
	answerSyncRequest(member: Member, request?: SyncRequest): void {
		const { peer, answers } = member;
		if (this.#opts.peers.get(peer) !== member) return;
		if (request) answers.want(request);
		// A document that must be reloaded may hold a half-applied update: never send it.
		if (this.#opts.mustReload()) return;
		const next = answers.next(peer.queuedBytes?.() ?? 0);
		if (next === null) return;
		let answer: Uint8Array;
		try {
			answer = this.#opts.stored.answer(next, this.#opts.materialized);
		} catch (err) {
			// Only a stored state that does not decode gets here (the room has failed).
			this.#opts.log.error({ room: this.#opts.name, conn: peer.id, err }, 'sync answer failed');
			return;
		}
		answers.sent(answer.byteLength);
		this.send(peer, answer);
	}
}
