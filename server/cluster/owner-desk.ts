/**
 * The owner's side of forwarding: updates and server-made changes other nodes forward for a room
 * this node owns. Each client of another node is a RemotePeer here, joined to the room (so the
 * hooks admit and judge it as a local client) and kept while it forwards; its frames are handled
 * one after the other, in the order sent. The answer goes back once the room's pipeline settled
 * the frame (committed, or refused with a named reason), with the room's head then, so the other
 * node can wait for its replica to hold the commit. A request for a room this node does not own
 * (any more) is answered `not-owner`: the sender reads the lease again.
 */
import * as Y from 'yjs';
import { Close, SyncType, syncFrame } from '#domain/protocol';
import type { Logger } from '../log.ts';
import { refused, type FrameResult } from '../rooms/frame-result.ts';
import { Refusal } from '../rooms/refusal.ts';
import type { Room } from '../rooms/room.ts';
import { RemotePeer } from './remote-peer.ts';
import type { FromOwner, ToOwner } from './wire.ts';

/** A stand-in that forwarded nothing for this long is let go (its client's node may be gone). */
const IDLE_REMOTE_MS = 10 * 60_000;

/** The answer to a frame whose client left before its stand-in had joined. */
export const LEFT_BEFORE_JOINED = 'the client left before its stand-in joined the room';

export interface OwnerDeskOptions {
	/** The room, if this node owns it and it is ready. */
	ownedRoom(name: string): Room | null;
	reply(to: string, message: FromOwner): void;
	log: Logger;
}

export class OwnerDesk {
	readonly #opts: OwnerDeskOptions;
	readonly #remotes = new Map<string, RemotePeer>();

	constructor(opts: OwnerDeskOptions) {
		this.#opts = opts;
	}

	handle(message: ToOwner, bytes: Uint8Array): void {
		switch (message.kind) {
			case 'frame':
				this.#frame(message, bytes);
				break;
			case 'change':
				this.#change(message, bytes);
				break;
			case 'leave': {
				const remote = this.#remotes.get(keyOf(message.from, message.room, message.conn));
				if (remote) this.#letGo(remote);
				break;
			}
		}
	}

	/** Lets stand-ins go that forwarded nothing for a while. */
	sweep(now = Date.now()): void {
		for (const remote of this.#remotes.values()) {
			if (now - remote.lastUsed > IDLE_REMOTE_MS) this.#letGo(remote);
		}
	}

	#frame(message: Extract<ToOwner, { kind: 'frame' }>, bytes: Uint8Array): void {
		const { from, room: name, conn, id } = message;
		const room = this.#opts.ownedRoom(name);
		if (!room) {
			this.#opts.reply(from, { kind: 'not-owner', id });
			return;
		}
		const key = keyOf(from, name, conn);
		let remote = this.#remotes.get(key);
		let joining: Promise<void> | null = null;
		if (!remote || remote.joined !== room) {
			const fresh = new RemotePeer(
				from,
				name,
				conn,
				message.identity,
				message.transport,
				(to, m) => this.#opts.reply(to, m),
				(r) => {
					if (this.#remotes.get(key) === r) this.#remotes.delete(key);
				}
			);
			this.#remotes.set(key, fresh);
			fresh.joined = room;
			remote = fresh;
			joining = room.join(fresh);
		}
		const r = remote;
		r.lastUsed = Date.now();
		r.chain = r.chain
			.then(async () => {
				if (joining) {
					try {
						await joining;
					} catch (err) {
						// The stand-in is not in the room (a join hook refused it, or could not read the
						// database): its client is not either, as a local client whose join failed. Its
						// node closes it by that reason (storage-failed: it rejoins and sends what it kept).
						// A stand-in the room closed already (its commit failed: the room closed every peer)
						// is not closed twice.
						const refusal = refusalOf(err);
						const open = this.#remotes.get(key) === r;
						if (open) this.#remotes.delete(key);
						if (open && !refusal.ok) r.close(refusal.close, refusal.message);
						this.#answer(from, id, room, refusal);
						return;
					}
					// Its client left (its node said `leave`) while the join waited in the room's
					// queue: the leave found no member then. Leave now, or the stand-in stays a
					// member for good (counted present, sent every update), and answer the frame.
					if (this.#remotes.get(key) !== r) {
						room.leave(r);
						this.#answer(from, id, room, refused(Close.Normal, LEFT_BEFORE_JOINED));
						return;
					}
				}
				const result = await new Promise<FrameResult>((resolve) =>
					room.receive(r, syncFrame(SyncType.update, bytes), resolve, message.deviceAt)
				);
				this.#answer(from, id, room, result);
			})
			.catch((err: unknown) => {
				// Not expected (refusals are answers): logged, and the chain stays usable for this
				// client's next frames; unanswered, its node asks again.
				this.#opts.log.error({ room: message.room, from, err }, 'a forwarded frame failed');
			});
	}

	#change(message: Extract<ToOwner, { kind: 'change' }>, bytes: Uint8Array): void {
		const { from, room: name, id, by } = message;
		const room = this.#opts.ownedRoom(name);
		if (!room) {
			this.#opts.reply(from, { kind: 'not-owner', id });
			return;
		}
		room
			.change((doc) => Y.applyUpdate(doc, bytes), by ?? undefined)
			.then(
				() => this.#answer(from, id, room, { ok: true }),
				(err: unknown) => this.#answer(from, id, room, refused(Close.StorageFailed, String(err)))
			);
	}

	#answer(to: string, id: number, room: Room, result: FrameResult): void {
		this.#opts.reply(to, { kind: 'result', id, result, seq: room.lastSeq });
	}

	#letGo(remote: RemotePeer): void {
		this.#remotes.delete(keyOf(remote.node, remote.room, remote.id));
		this.#opts.ownedRoom(remote.room)?.leave(remote);
	}
}

function keyOf(node: string, room: string, conn: string): string {
	return `${node}\n${room}\n${conn}`;
}

function refusalOf(err: unknown): FrameResult {
	if (err instanceof Refusal) return refused(err.close, err.message);
	return refused(Close.StorageFailed, `could not join the room: ${String(err)}`);
}
