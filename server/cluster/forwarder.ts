/**
 * A replica's side of forwarding: its clients' updates and its server-made changes go to the
 * room's owner on the owner's channel, each with a request id; the owner's answer (what became of
 * it, and its head once done) comes back on this node's channel. The answer is given to the client
 * once this replica has applied the owner's commit too, so a client that is told "saved" reads its
 * own change from this node.
 *
 * An owner that does not answer within an attempt (it died, or Redis lost the message) is looked
 * up again in its lease; an owner that is gone is replaced (the first replica to take the lease
 * becomes the owner, and then applies the update itself). Sending the same update twice is
 * harmless: Yjs applies it once. A client's updates go one after the other (the next once the
 * owner answered the one before, as a single node handles a connection's frames in order), so
 * one sent again after Redis lost it is never overtaken by the client's later ones, which depend
 * on it and would be refused as missing their dependencies.
 *
 * If no owner answers within the timeout, or the owner answers that it could not store the update
 * (`storage-failed`: its database is unreachable, its room failed, or the client's stand-in could
 * not join), the client is refused and its membership closed, as a single node closes the peers
 * of a room whose storage failed, so it rejoins with backoff and sends what it kept: nothing it
 * was told is saved was lost. Its updates still waiting their turn are not sent (the same
 * refusal): its next sync carries them.
 */
import * as Y from 'yjs';
import { Close, SyncType, syncFrame } from '#domain/protocol';
import type { Logger } from '../log.ts';
import { refused, type FrameResult } from '../rooms/frame-result.ts';
import type { Forwarder } from '../rooms/forwarding.ts';
import type { Peer } from '../rooms/peer.ts';
import type { RoomPart } from './cluster.ts';
import { closeOf, type FromOwner, type ToOwner } from './wire.ts';

/** One attempt waits this long for the owner's answer before the lease is read again. */
const ATTEMPT_MS = 1500;
/** A client's ack waits at most this long for this replica to apply the owner's commit. */
const CATCH_UP_MS = 2000;
/**
 * The owner's room is going away (its node stops, or it lost the lease and reloads): nothing of
 * the frame was applied there, and the client's room here is fine. Such refusals and closes are
 * not the client's business: the frame goes to the next owner instead.
 */
const OWNER_GOING: ReadonlySet<string> = new Set([Close.ShuttingDown.reason, Close.RoomReset.reason]);
const NO_ANSWER = 'the node that owns this incident did not answer; reconnect to send your changes again';

export interface ForwardingOptions {
	node: string;
	send(to: string, message: ToOwner, bytes?: Uint8Array): Promise<void>;
	/** Reads the room's owner from its lease again; takes the room over if it has none. */
	resolveOwner(part: RoomPart): Promise<void>;
	timeoutMs: number;
	log: Logger;
}

type Answer = Extract<FromOwner, { kind: 'result' } | { kind: 'not-owner' }>;

/** What became of a forwarded request, and the owner's head once done (null: handled here). */
interface Outcome {
	result: FrameResult;
	seq: number | null;
}

export class Forwarding {
	readonly #opts: ForwardingOptions;
	#nextId = 1;
	readonly #waiting = new Map<number, (answer: Answer) => void>();
	/** Per room: this node's peers that forwarded, by connection id (answers name them). */
	readonly #peers = new WeakMap<RoomPart, Map<string, Peer>>();
	/**
	 * Per peer (one membership of one client): its last update's trip to the owner, which the
	 * next one waits for, so the owner receives a client's updates in the order it sent them.
	 */
	readonly #inOrder = new WeakMap<Peer, Promise<unknown>>();
	/** Peers whose membership a forwarded update closed, with the refusal their later ones get. */
	readonly #closedBy = new WeakMap<Peer, FrameResult>();

	constructor(opts: ForwardingOptions) {
		this.#opts = opts;
	}

	/** The Forwarder of a replica room. */
	forRoom(part: RoomPart): Forwarder {
		return {
			update: (peer, update, deviceAt) => this.#update(part, peer, update, deviceAt),
			change: async (update, by) => {
				const outcome = await this.#forward(part, (id) => [
					{ kind: 'change', id, from: this.#opts.node, room: part.name, by },
					update
				]);
				if (outcome === null) throw new Error(`the owner of ${part.name} did not answer`);
				await caughtUp(part, outcome.seq);
				const { result } = outcome;
				if (!result.ok) throw new Error(`the owner of ${part.name} refused the change: ${result.message}`);
			},
			left: (peer) => {
				const peers = this.#peers.get(part);
				if (!peers?.delete(peer.id) || !part.owner || part.role === 'owner') return;
				void this.#opts
					.send(part.owner, { kind: 'leave', from: this.#opts.node, room: part.name, conn: peer.id })
					.catch(() => undefined);
			}
		};
	}

	/** An answer or a message about one of this node's clients, from an owner. */
	handle(message: FromOwner, partOf: (room: string) => RoomPart | undefined): void {
		if (message.kind === 'result' || message.kind === 'not-owner') {
			const waiting = this.#waiting.get(message.id);
			if (waiting) {
				this.#waiting.delete(message.id);
				waiting(message);
			}
			return;
		}
		const part = partOf(message.room);
		const peer = part && this.#peers.get(part)?.get(message.conn);
		if (!part || !peer) return;
		switch (message.kind) {
			case 'refuse':
				peer.refuse(closeOf(message.reason), message.message);
				break;
			case 'refused-changes':
				peer.refusedChanges?.(message.changes);
				break;
			case 'close':
				this.#peers.get(part)?.delete(message.conn);
				// The owner's room is going away, not this client's: its next frame finds the next owner.
				if (OWNER_GOING.has(message.reason)) break;
				part.room?.leave(peer);
				peer.close(closeOf(message.reason), message.message);
				break;
		}
	}

	close(): void {
		for (const w of this.#waiting.values()) w({ kind: 'not-owner', id: 0 });
		this.#waiting.clear();
	}

	async #update(
		part: RoomPart,
		peer: Peer,
		update: Uint8Array,
		deviceAt: number | null
	): Promise<FrameResult> {
		let peers = this.#peers.get(part);
		if (!peers) this.#peers.set(part, (peers = new Map()));
		peers.set(peer.id, peer);
		// One after the other, as a single node handles a connection's frames: each of a client's
		// updates continues its earlier ones (Yjs clocks), so one that overtook an earlier one still
		// on its way (lost by Redis and sent again) would be refused as missing its dependencies.
		const previous = this.#inOrder.get(peer) ?? Promise.resolve();
		const trip = previous
			.catch(() => undefined)
			.then(() => this.#forwardUpdate(part, peer, update, deviceAt));
		this.#inOrder.set(peer, trip);
		const outcome = await trip;
		if (outcome === null) return this.#closedBy.get(peer) ?? refused(Close.StorageFailed, NO_ANSWER);
		await caughtUp(part, outcome.seq);
		return outcome.result;
	}

	/** Forwards a peer's update once its earlier ones are done; null: its membership is closed. */
	async #forwardUpdate(
		part: RoomPart,
		peer: Peer,
		update: Uint8Array,
		deviceAt: number | null
	): Promise<Outcome | null> {
		// An earlier update closed the membership: the client resends this one when it rejoins.
		if (this.#closedBy.has(peer)) return null;
		const outcome = await this.#forward(
			part,
			(id) => [
				{
					kind: 'frame',
					id,
					from: this.#opts.node,
					room: part.name,
					conn: peer.id,
					transport: peer.transport,
					identity: peer.identity,
					deviceAt
				},
				update
			],
			// Taken over meanwhile: this node is the owner now and applies it itself.
			(room) =>
				new Promise<FrameResult>((resolve) =>
					room.receive(peer, syncFrame(SyncType.update, update), resolve, deviceAt)
				)
		);
		if (outcome !== null) {
			const { result } = outcome;
			// The owner could not store it (its database is unreachable, its room failed, or the
			// client's stand-in could not join): as on a single node, the client's membership closes
			// with storage-failed, so that it rejoins and its next sync carries what it kept. A
			// refusal alone leaves it joined with nothing asking for the change again.
			if (!result.ok && result.close.reason === Close.StorageFailed.reason) {
				this.#closedBy.set(peer, result);
				this.#closeMember(part, peer, result);
			}
			return outcome;
		}
		this.#opts.log.warn({ room: part.name, conn: peer.id, owner: part.owner }, NO_ANSWER);
		this.#closedBy.set(peer, refused(Close.StorageFailed, NO_ANSWER));
		part.room?.leave(peer);
		peer.close(Close.StorageFailed, NO_ANSWER);
		return null;
	}

	/** Closes a client still in its room here (the owner's `close` may have closed it already). */
	#closeMember(part: RoomPart, peer: Peer, result: Extract<FrameResult, { ok: false }>): void {
		if (this.#peers.get(part)?.get(peer.id) !== peer) return;
		this.#opts.log.warn(
			{ room: part.name, conn: peer.id, owner: part.owner, reason: result.close.reason },
			'the owner could not store a forwarded update: closing the client so that it resyncs'
		);
		part.room?.leave(peer);
		peer.close(result.close, result.message);
	}

	/**
	 * Sends a request to the owner until one answers or the time is up (null). `local` handles it
	 * here once this node became the owner.
	 */
	async #forward(
		part: RoomPart,
		request: (id: number) => [ToOwner, Uint8Array],
		local?: (room: NonNullable<RoomPart['room']>) => Promise<FrameResult>
	): Promise<Outcome | null> {
		const deadline = Date.now() + this.#opts.timeoutMs;
		for (;;) {
			if (part.promoting) await part.promoting;
			if (part.gone || !part.room) return null;
			if (part.role === 'owner') {
				if (local) return { result: await local(part.room), seq: null };
				const result = await new Promise<FrameResult>((resolve) => {
					const [message, bytes] = request(0);
					void part
						.room!.change(
							(doc) => applyTo(doc, bytes),
							message.kind === 'change' && message.by ? message.by : undefined
						)
						.then(
							() => resolve({ ok: true }),
							(err: unknown) => resolve(refused(Close.StorageFailed, String(err)))
						);
				});
				return { result, seq: null };
			}
			const left = deadline - Date.now();
			if (left <= 0) return null;
			if (part.owner) {
				const id = this.#nextId++;
				const [message, bytes] = request(id);
				const answer = await this.#ask(part.owner, id, message, bytes, Math.min(ATTEMPT_MS, left));
				if (answer?.kind === 'result' && (answer.result.ok || !OWNER_GOING.has(answer.result.close.reason)))
					return { result: answer.result, seq: answer.seq };
			}
			try {
				await this.#opts.resolveOwner(part);
			} catch (err) {
				this.#opts.log.warn({ room: part.name, err: String(err) }, 'owner look-up failed');
			}
			// The same owner still holds the lease: wait a little before asking it again.
			if (!part.promoting) await sleep(Math.min(200, Math.max(0, deadline - Date.now())));
		}
	}

	#ask(to: string, id: number, message: ToOwner, bytes: Uint8Array, waitMs: number): Promise<Answer | null> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.#waiting.delete(id);
				resolve(null);
			}, waitMs);
			this.#waiting.set(id, (answer) => {
				clearTimeout(timer);
				resolve(answer);
			});
			this.#opts.send(to, message, bytes).catch(() => {
				// Redis is unreachable: the attempt times out, and the next one may find it back.
			});
		});
	}
}

/** Waits (a bounded time) until the replica applied the owner's commits up to `seq`. */
async function caughtUp(part: RoomPart, seq: number | null): Promise<void> {
	if (seq === null || (part.feed.applied ?? 0) >= seq) return;
	await Promise.race([part.feed.head(seq), sleep(CATCH_UP_MS)]);
}

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

function applyTo(doc: Y.Doc, update: Uint8Array): void {
	Y.applyUpdate(doc, update);
}
