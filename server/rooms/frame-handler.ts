/**
 * What happens to one frame a peer sends its room: it is decoded strictly (frames.ts) and handed
 * to the room by kind; if anything refuses it, nothing of it is applied, the refusal is logged,
 * and the sender hears of it (its ack, and the peer refused or closed by the refusal's kind).
 */
import * as Y from 'yjs';
import { Close, type RefusedChange } from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { Drain, FrameItem } from './drain.ts';
import { refused, refusedBy } from './frame-result.ts';
import { checkUpdateShape, decodeFrame } from './frames.ts';
import type { Forwarder } from './forwarding.ts';
import type { Member } from './member.ts';
import type { Peer } from './peer.ts';
import { Refusal, refuseAndClose } from './refusal.ts';
import type { SyncRequest } from './stored-state.ts';

/** The room, as the frames of its peers use it. */
export interface FrameTarget {
	readonly name: string;
	/** Largest accepted frame in bytes. */
	readonly maxMessageBytes: number;
	/** Whether the room has failed (its stored state did not decode): its peers were closed. */
	failed(): boolean;
	/**
	 * Checks and applies an update; throws a Refusal, having applied nothing of it. Returns the
	 * changes of it the server undid (accept and compensate), or null.
	 */
	applyUpdate(
		member: Member,
		update: Uint8Array,
		drain: Drain,
		deviceAt: number | null
	): readonly RefusedChange[] | null;
	/** The owner on another node that takes this room's updates (null: this room commits them). */
	forwarder(): Forwarder | null;
	/** Applies an awareness update; throws a Refusal, having applied nothing of it. */
	applyAwareness(member: Member, update: Uint8Array): void;
	/** Answers a sync request (called once the drain has committed). */
	answerSyncRequest(member: Member, request: SyncRequest): void;
	/** Sends everyone's presence (called once the drain has committed). */
	sendPresence(member: Member): void;
	leave(peer: Peer): void;
}

const NOT_JOINED = refused(Close.RoomNotFound, 'not joined to this room');
const NOT_LOADED = refused(Close.StorageFailed, 'the room could not be loaded');
/** The frame's update went to the owner node, which acknowledges it (forwarding.ts). */
const FORWARDED = Symbol('forwarded');

export class FrameHandler {
	readonly #room: FrameTarget;
	readonly #log: Logger;

	constructor(room: FrameTarget, log: Logger) {
		this.#room = room;
		this.#log = log;
	}

	/** Handles a frame of `member` (undefined: the peer is not, or no longer, in the room). */
	handle({ peer, frame, ack, deviceAt }: FrameItem, member: Member | undefined, drain: Drain): void {
		if (!member) {
			ack?.(NOT_JOINED);
			return;
		}
		try {
			const refusedChanges = this.#dispatch(member, frame, drain, deviceAt ?? null, ack);
			if (refusedChanges === FORWARDED) return;
			drain.acknowledgements.frame(ack, peer, refusedChanges);
			if (refusedChanges !== null) {
				this.#log.info(
					{
						room: this.#room.name,
						conn: peer.id,
						user: peer.identity?.userId,
						refused: refusedChanges.length
					},
					'update accepted with refused changes undone'
				);
			}
		} catch (err) {
			if (this.#room.failed()) {
				// Decoding the stored state failed: every peer was closed already.
				ack?.(NOT_LOADED);
				return;
			}
			const r =
				err instanceof Refusal
					? err
					: refuseAndClose(Close.UpdateFailed, `update failed to apply: ${String(err)}`);
			this.#log.warn(
				{
					room: this.#room.name,
					conn: peer.id,
					user: peer.identity?.userId,
					reason: r.close.reason,
					bytes: frame.byteLength
				},
				r.message
			);
			ack?.(refusedBy(r));
			if (r.closes) {
				this.#room.leave(peer);
				peer.close(r.close, r.message);
			} else {
				peer.refuse(r.close, r.message);
			}
		}
	}

	#dispatch(
		member: Member,
		frame: Uint8Array,
		drain: Drain,
		deviceAt: number | null,
		ack: FrameItem['ack']
	): readonly RefusedChange[] | null | typeof FORWARDED {
		const { maxMessageBytes } = this.#room;
		if (frame.byteLength > maxMessageBytes) {
			throw refuseAndClose(
				Close.MessageTooLarge,
				`frame of ${frame.byteLength} bytes exceeds the limit of ${maxMessageBytes}`
			);
		}
		const f = decodeFrame(frame);
		switch (f.kind) {
			case 'sync-step1': {
				// Regression (security review): every request was answered with the whole document
				// however much the connection had not yet taken. Answered after the commit, paced
				// per connection (sync-answer-pacer.ts).
				const request = { stateVector: f.stateVector, clients: stateVectorClients(f.stateVector) };
				drain.afterCommit(() => this.#room.answerSyncRequest(member, request));
				break;
			}
			case 'sync-step2':
			case 'sync-update': {
				const forwarder = this.#room.forwarder();
				if (forwarder === null) return this.#room.applyUpdate(member, f.update, drain, deviceAt);
				// A new client's empty step 2 costs no hop; a malformed update is refused here.
				const decoded = checkUpdateShape(f.update);
				if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return null;
				void forwarder.update(member.peer, f.update, deviceAt).then((result) => {
					if (ack) ack(result);
					else if (result.ok && result.refused) member.peer.refusedChanges?.(result.refused);
				});
				return FORWARDED;
			}
			case 'awareness':
				this.#room.applyAwareness(member, f.update);
				break;
			case 'query-awareness':
				drain.afterCommit(() => this.#room.sendPresence(member));
				break;
			default:
				exhaustive(f);
		}
		return null;
	}
}

/** How many clients a state vector names; validated now, so a bad one closes its peer here. */
function stateVectorClients(stateVector: Uint8Array): number {
	try {
		return Y.decodeStateVector(stateVector).size;
	} catch (err) {
		throw refuseAndClose(Close.MalformedMessage, `malformed state vector: ${String(err)}`);
	}
}

function exhaustive(x: never): never {
	throw new Error(`unexpected frame ${JSON.stringify(x)}`);
}
