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
import { Room, type RoomLimits, type RoomLinks } from './room.ts';

/** What several nodes do around each room's life (server/cluster/); absent on a single node. */
export interface RoomLifecycle {
	/** Before the room loads (subscribe to what changes it meanwhile). May throw: the open fails. */
	opening(name: string): Promise<RoomLink>;
}

/** One room's part in several nodes, from before its load until it is gone. */
export interface RoomLink {
	/** The room is loaded, before anyone joins it (take its lease, or follow its owner). May throw. */
	loaded(room: Room): Promise<void>;
	/** The room is gone (unloaded, reset or failed): let its lease and subscriptions go. */
	gone(): void | Promise<void>;
}

export interface RegistryOptions {
	store: DocStore;
	/** Complete before the first room opens (then it is frozen). */
	hooks: readonly RoomHooks[];
	limits: RoomLimits;
	/** Unload a room this long after its last peer left. */
	idleUnloadMs: number;
	log: Logger;
	/** Several nodes: each room's link to the others (absent: this node is the only one). */
	lifecycle?: RoomLifecycle;
	links?: RoomLinks;
}

export class RoomRegistry {
	#rooms = new Map<string, Room>();
	/** Rooms being unloaded; a join waits for the unload before loading afresh. */
	#closing = new Map<string, Promise<void>>();
	/** Rooms being made (their link prepared, then loaded); a second open waits for the first. */
	#opening = new Map<string, Promise<Room>>();
	readonly #links = new Map<Room, RoomLink>();
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
				if (room) await this.#forget(name, room);
				let made = this.#opening.get(name);
				if (!made) {
					made = this.#make(name).finally(() => this.#opening.delete(name));
					this.#opening.set(name, made);
				}
				room = await made;
			}
			try {
				await room.loaded;
			} catch (err) {
				await this.#forget(name, room);
				throw err;
			}
			if (room.state === 'ready') return room;
		}
	}

	/** Makes a room, prepares its link to the other nodes, and loads it. */
	async #make(name: string): Promise<Room> {
		const link = this.opts.lifecycle ? await this.opts.lifecycle.opening(name) : null;
		// A room sorts its hooks once, when it is made: one registered later would be missing
		// from it (an unguarded room). Frozen, registering late throws instead.
		Object.freeze(this.opts.hooks);
		const room = new Room(
			name,
			this.opts.store,
			this.opts.hooks,
			this.opts.limits,
			this.opts.log,
			this.opts.links
		);
		this.#rooms.set(name, room);
		if (!link) return room;
		this.#links.set(room, link);
		try {
			await room.loaded;
			await link.loaded(room);
		} catch (err) {
			room.reload();
			await this.#forget(name, room);
			throw err;
		}
		return room;
	}

	/** Drops a room that is gone from the registry and tells its link. */
	async #forget(name: string, room: Room): Promise<void> {
		if (this.#rooms.get(name) === room) this.#rooms.delete(name);
		const link = this.#links.get(room);
		if (!link) return;
		this.#links.delete(room);
		try {
			await link.gone();
		} catch (err) {
			this.opts.log.warn({ room: name, err }, 'room link did not close cleanly');
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
				await this.#forget(name, room);
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
			.then(() => this.#forget(name, room))
			.finally(() => {
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
