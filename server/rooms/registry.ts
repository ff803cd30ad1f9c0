/**
 * The room registry: loads rooms on first use, shares one Room per name, unloads rooms that
 * have had no peers for the idle time, and closes everything on shutdown.
 */
import { Close, type CloseReason } from '#domain/protocol';
import type { DocStore } from '../store/doc-store.ts';
import type { Logger } from '../log.ts';
import type { RoomHooks } from './hooks.ts';
import { refuseAndClose } from './refusal.ts';
import type { Peer } from './peer.ts';
import { Room, type RoomLimits } from './room.ts';

export interface RegistryOptions {
	store: DocStore;
	/** Complete before the first room opens (then it is frozen). */
	hooks: readonly RoomHooks[];
	limits: RoomLimits;
	/** Unload a room this long after its last peer left. */
	idleUnloadMs: number;
	log: Logger;
}

export class RoomRegistry {
	#rooms = new Map<string, Room>();
	/** Rooms being unloaded; a join waits for the unload before loading afresh. */
	#closing = new Map<string, Promise<void>>();
	#sweeper: NodeJS.Timeout;
	#shuttingDown = false;

	constructor(private readonly opts: RegistryOptions) {
		const every = Math.max(50, Math.min(5_000, Math.floor(opts.idleUnloadMs / 4)));
		this.#sweeper = setInterval(() => void this.#sweep(), every);
		this.#sweeper.unref();
	}

	get size(): number {
		return this.#rooms.size;
	}

	get(name: string): Room | undefined {
		return this.#rooms.get(name);
	}

	/** Returns the loaded room, loading it if needed. */
	async open(name: string): Promise<Room> {
		// Named, so that a client which reconnected in the last moments of a shutdown comes back
		// after the restart instead of taking the refusal as final (a flaky-test finding).
		if (this.#shuttingDown) throw refuseAndClose(Close.ShuttingDown, 'server is shutting down');
		for (;;) {
			const closing = this.#closing.get(name);
			if (closing) {
				await closing;
				continue;
			}
			let room = this.#rooms.get(name);
			if (!room || room.state === 'failed' || room.state === 'closed') {
				// A room sorts its hooks once, when it is made: one registered later would be missing
				// from it (an unguarded room). Frozen, registering late throws instead.
				Object.freeze(this.opts.hooks);
				room = new Room(name, this.opts.store, this.opts.hooks, this.opts.limits, this.opts.log);
				this.#rooms.set(name, room);
			}
			try {
				await room.loaded;
			} catch (err) {
				if (this.#rooms.get(name) === room) this.#rooms.delete(name);
				throw err;
			}
			if (room.state === 'ready') return room;
		}
	}

	/** Opens the room and joins the peer to it. */
	async join(name: string, peer: Peer): Promise<Room> {
		const room = await this.open(name);
		await room.join(peer);
		return room;
	}

	async #sweep(): Promise<void> {
		const now = Date.now();
		for (const [name, room] of this.#rooms) {
			if (room.state === 'failed' || room.state === 'closed') {
				this.#rooms.delete(name);
				continue;
			}
			if (
				room.peerCount === 0 &&
				!room.busy &&
				room.idleSince !== null &&
				now - room.idleSince >= this.opts.idleUnloadMs
			) {
				await this.#unload(name, room, Close.Normal, 'idle');
			}
		}
	}

	async #unload(name: string, room: Room, reason: CloseReason, why: string): Promise<void> {
		if (this.#closing.has(name)) return this.#closing.get(name);
		const p = room
			.close(reason, why)
			.catch((err: unknown) => this.opts.log.error({ room: name, err }, 'room close failed'))
			.finally(() => {
				if (this.#rooms.get(name) === room) this.#rooms.delete(name);
				this.#closing.delete(name);
				this.opts.log.info({ room: name, why }, 'room unloaded');
			});
		this.#closing.set(name, p);
		return p;
	}

	/** Closes every room: peers get `ShuttingDown`, pending writes are committed, snapshots written. */
	async shutdown(): Promise<void> {
		this.#shuttingDown = true;
		clearInterval(this.#sweeper);
		await Promise.all(
			[...this.#rooms].map(([name, room]) =>
				this.#unload(name, room, Close.ShuttingDown, 'the server is restarting; reconnecting shortly')
			)
		);
	}
}
