/**
 * Several nodes on one PostgreSQL database and one Redis (REDIS_URL): one owner node per room
 * (incident) at a time, the others replicas that follow it.
 *
 * - Ownership: a node that opens a room takes its lease (leases.ts, kept in PostgreSQL with a
 *   fencing epoch) if it is free or expired, and renews it every third of LEASE_TTL_MS while it
 *   holds the room; it releases it when the room unloads or the node stops. Only the owner judges,
 *   writes and publishes the room's updates; its document store refuses an append under a lease
 *   taken over (FencedWriteError), whatever the node believes. A node that finds its lease taken
 *   over reloads the room, as a replica.
 * - Replicas subscribe to the room's relay channel before they load it, feed what is relayed
 *   through a RoomFeed (next sequence number only, gaps and a lost last message filled from the
 *   log) into `room.applyRelayed`, and forward their clients' updates and their server-made
 *   changes to the owner (forwarder.ts, owner-desk.ts), whose answers become the clients'
 *   acknowledgements and refusals.
 * - Failover: each replica asks every third of the TTL whether its room's lease is still held; once
 *   it has expired (the owner died), the first replica to take it reads the log to its end (the old
 *   owner can write nothing more: fenced) and takes the room's writes from then on. So a room
 *   has a new owner within LEASE_TTL_MS plus a third of it after its owner's last renewal.
 * - The owner announces its rooms' heads every HEADS_EVERY_MS; replicas catch up after any
 *   reconnection to Redis. Presence is relayed between the nodes of a room, never stored.
 */
import { Close } from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { CommittedPayload, RoomHooks } from '../rooms/hooks.ts';
import type { RoomLifecycle, RoomLink, RoomRegistry } from '../rooms/registry.ts';
import { refuse } from '../rooms/refusal.ts';
import type { Room } from '../rooms/room.ts';
import type { DocStore } from '../store/doc-store.ts';
import { Forwarding } from './forwarder.ts';
import type { Lease, LeaseStore } from './leases.ts';
import { OwnerDesk } from './owner-desk.ts';
import { RelayUnavailableError, type RedisRelay } from './redis-relay.ts';
import { RoomFeed } from './room-feed.ts';
import { decodeMessage, encodeMessage, type FromOwner, type NodeMessage, type ToOwner } from './wire.ts';

export const HEADS_EVERY_MS = 2000;

/** A join's refusal while this node cannot reach Redis (clients retry storage-failed). */
export const REDIS_AWAY =
	'this server cannot reach the other servers (Redis) to open the room; it is tried again shortly';

export interface ClusterOptions {
	/** This node's id, unique per process (a restarted node is a new node). */
	node: string;
	relay: RedisRelay;
	leases: LeaseStore;
	/** The log, to fill gaps. */
	store: Pick<DocStore, 'history'>;
	/** Reads a room's client-id bindings made by other owners before this node judges its updates. */
	refreshClientOwners(room: string): Promise<void>;
	leaseTtlMs: number;
	log: Logger;
	/** How long a forwarded update may wait for an owner before it is refused (default 2 TTL + 5 s). */
	forwardTimeoutMs?: number;
}

/** This node's part in one room, from before its load until it is gone. */
export class RoomPart {
	role: 'owner' | 'replica' = 'replica';
	/** The lease this node holds (owner). */
	lease: Lease | null = null;
	/** The owner node, as last read from its lease (replica). */
	owner: string | null = null;
	room: Room | null = null;
	promoting: Promise<void> | null = null;
	gone = false;
	readonly stops: Array<() => Promise<void>> = [];

	constructor(
		readonly name: string,
		readonly feed: RoomFeed
	) {}
}

export class Cluster implements RoomLifecycle {
	readonly node: string;
	readonly #opts: ClusterOptions;
	readonly #log: Logger;
	readonly #parts = new Map<string, RoomPart>();
	readonly #forwarding: Forwarding;
	readonly #desk: OwnerDesk;
	#timers: NodeJS.Timeout[] = [];
	#stopNode: (() => Promise<void>) | null = null;
	#closed = false;

	constructor(opts: ClusterOptions) {
		this.#opts = opts;
		this.node = opts.node;
		this.#log = opts.log.child({ module: 'cluster', node: opts.node });
		this.#forwarding = new Forwarding({
			node: opts.node,
			send: (to, message, bytes) => this.#send(to, message, bytes),
			resolveOwner: (part) => this.#resolveOwner(part),
			timeoutMs: opts.forwardTimeoutMs ?? opts.leaseTtlMs * 2 + 5000,
			log: this.#log
		});
		this.#desk = new OwnerDesk({
			ownedRoom: (name) => {
				const part = this.#parts.get(name);
				return part && part.role === 'owner' && !part.promoting && part.room?.state === 'ready'
					? part.room
					: null;
			},
			// Regression ([faults-3]): a reply in flight when Redis went away rejected with nobody
			// listening, and the unhandled rejection ended the owner's process. A lost reply is
			// harmless: the other node asks again (the same update applies once).
			reply: (to, message) =>
				void this.#send(to, message).catch((err: unknown) => {
					this.#log.debug({ to, kind: message.kind, err: String(err) }, 'reply to another node lost');
				}),
			log: this.#log
		});
	}

	/** The room hooks of several nodes: the owner publishes what it committed (last in order). */
	readonly hooks: RoomHooks = {
		name: 'cluster',
		onCommitted: ({ room, updates }: CommittedPayload<unknown>) => {
			const part = this.#parts.get(room.name);
			if (!part || part.role !== 'owner') return;
			for (const u of updates) {
				if (u.origin.kind === 'relay') continue;
				// Not awaited: published in commit order on one connection; a lost one is caught up.
				this.#opts.relay.publish(room.name, u.seq, u.update).catch((err: unknown) => {
					this.#log.warn({ room: room.name, seq: u.seq, err }, 'relay publish failed');
				});
			}
		}
	};

	/** Presence of this node's peers, for the other nodes of the room. */
	presence = (room: string, update: Uint8Array): void => {
		if (this.#closed) return;
		this.#opts.relay.send(`aw:${room}`, encodeMessage({ from: this.node }, update)).catch(() => undefined);
	};

	/** Asks the room's other nodes for their clients' presence (answered by #answerPresence). */
	#askPresence(part: RoomPart): void {
		if (this.#closed) return;
		this.#opts.relay
			.send(`aw:${part.name}`, encodeMessage({ from: this.node, ask: true }))
			.catch(() => undefined);
	}

	/** Answers a node that asked for presence: this node's own clients' presence in the room. */
	#answerPresence(part: RoomPart): void {
		const mine = part.room?.localPresence();
		if (mine) this.presence(part.name, mine);
	}

	/** Whether this node writes `room` now, and under which lease: the document store's fence. */
	fence = (room: string): Lease => {
		const part = this.#parts.get(room);
		// No lease: a lease that never matches, so a write of a room this node does not own fails.
		return part?.role === 'owner' && part.lease ? part.lease : { room, node: this.node, epoch: -1 };
	};

	/** Listens to this node's channel and head announcements, and starts the lease and head timers. */
	async start(registry: RoomRegistry): Promise<void> {
		void registry;
		const relay = this.#opts.relay;
		this.#stopNode = await relay.listen(`node:${this.node}`, (m) => this.#onMessage(m));
		await relay.onHeads((heads) => {
			for (const { room, seq } of heads) {
				const part = this.#parts.get(room);
				if (part && part.role === 'replica' && typeof seq === 'number') void part.feed.head(seq);
			}
		});
		relay.onReconnect(() => {
			this.#log.info('Redis reconnected: replicas catch up from the log');
			for (const part of this.#parts.values()) {
				if (part.role === 'replica') void part.feed.catchUp();
				// Presence changes sent meanwhile were lost too: ask again.
				if (part.room) this.#askPresence(part);
			}
		});
		const every = Math.max(100, Math.floor(this.#opts.leaseTtlMs / 3));
		this.#timers.push(setInterval(() => void this.#tendLeases(), every));
		this.#timers.push(setInterval(() => void this.#announceHeads(), HEADS_EVERY_MS));
		this.#timers.push(setInterval(() => this.#desk.sweep(), 60_000));
		for (const t of this.#timers) t.unref();
	}

	/** Stops the timers and listeners; after the rooms closed (their leases released). */
	async close(): Promise<void> {
		this.#closed = true;
		for (const t of this.#timers) clearInterval(t);
		this.#timers = [];
		this.#forwarding.close();
		await this.#stopNode?.().catch(() => undefined);
	}

	/** Rooms this node owns now (for tests and /readyz-like reports). */
	owned(): string[] {
		return [...this.#parts.values()].filter((p) => p.role === 'owner').map((p) => p.name);
	}

	async opening(name: string): Promise<RoomLink> {
		const part: RoomPart = new RoomPart(
			name,
			new RoomFeed(
				name,
				this.#opts.store,
				(update, seq): Promise<void> => {
					const room: Room | null = part.room;
					if (!room) return Promise.reject(new Error(`room ${name} is not loaded`));
					return room.applyRelayed(update, { node: part.owner ?? 'unknown', seq });
				},
				(room, err) => {
					this.#log.error({ room, err }, 'relayed updates could not be applied: reloading the room');
					part.room?.reload();
				}
			)
		);
		const relay = this.#opts.relay;
		// A part left from an earlier room of this name lets go first (its lease too), before this
		// one takes the lease: never after, which would release the lease this one holds.
		const previous = this.#parts.get(name);
		if (previous) await this.#gone(previous);
		try {
			// Subscribe first, then load: nothing committed falls between.
			part.stops.push(
				await relay.subscribe(name, (seq, update) => {
					if (part.role === 'replica') void part.feed.receive(seq, update);
				})
			);
			part.stops.push(
				await relay.listen(`aw:${name}`, (m) => {
					const msg = decodeMessage<{ from?: string; ask?: boolean }>(m);
					if (!msg || msg.header.from === this.node) return;
					if (msg.bytes.byteLength > 0) part.room?.applyRemotePresence(msg.bytes);
					// A node that has just loaded the room asks for the presence held elsewhere.
					if (msg.header.ask === true) this.#answerPresence(part);
				})
			);
			const got = await this.#opts.leases.acquire(name, this.node, this.#opts.leaseTtlMs);
			if (got.ok) {
				await this.#opts.refreshClientOwners(name);
				part.role = 'owner';
				part.lease = got.lease;
				this.#log.info({ room: name, epoch: got.lease.epoch }, 'owner of the room');
			} else {
				part.owner = got.owner.node;
			}
		} catch (err) {
			await this.#stop(part);
			// Redis away: say so by name (the client retries storage-failed) rather than wait.
			if (err instanceof RelayUnavailableError) {
				this.#log.warn({ room: name, err: err.message }, 'room not opened: Redis is unreachable');
				throw refuse(Close.StorageFailed, REDIS_AWAY);
			}
			throw err;
		}
		this.#parts.set(name, part);
		return { loaded: (room) => this.#loaded(part, room), gone: () => this.#gone(part) };
	}

	async #loaded(part: RoomPart, room: Room): Promise<void> {
		part.room = room;
		// Presence is sent on change only (clients renew theirs every 15 s): ask the room's other
		// nodes for what their clients present now, so a newcomer here sees them at once.
		this.#askPresence(part);
		if (part.role === 'owner') {
			room.forwardTo(null);
			return;
		}
		room.forwardTo(this.#forwarding.forRoom(part));
		await part.feed.loaded(room.lastSeq);
	}

	async #gone(part: RoomPart): Promise<void> {
		if (part.gone) return;
		part.gone = true;
		if (this.#parts.get(part.name) === part) this.#parts.delete(part.name);
		await this.#stop(part);
		const lease = part.role === 'owner' ? part.lease : null;
		part.role = 'replica';
		part.lease = null;
		if (lease) {
			await this.#opts.leases.release(lease).catch((err: unknown) => {
				this.#log.warn({ room: part.name, err }, 'lease not released; it expires by itself');
			});
		}
	}

	async #stop(part: RoomPart): Promise<void> {
		for (const stop of part.stops.splice(0)) await stop().catch(() => undefined);
	}

	/** Renews this node's leases; replicas look for an owner that is gone. */
	async #tendLeases(): Promise<void> {
		const ttl = this.#opts.leaseTtlMs;
		await Promise.all(
			[...this.#parts.values()].map(async (part) => {
				if (part.gone || part.promoting || !part.room) return;
				try {
					if (part.role === 'owner' && part.lease) {
						if (!(await this.#opts.leases.renew(part.lease, ttl))) this.#demote(part);
					} else if (part.role === 'replica') {
						await this.#resolveOwner(part);
					}
				} catch (err) {
					// The database is unreachable: an owner keeps its lease until it expires, and then
					// its writes are fenced; a replica asks again next time.
					this.#log.warn({ room: part.name, err: String(err) }, 'lease check failed');
				}
			})
		);
	}

	/** Another node took this node's lease: the room reloads, as a replica. */
	#demote(part: RoomPart): void {
		this.#log.warn(
			{ room: part.name, epoch: part.lease?.epoch },
			'lease taken over: reloading the room as a replica'
		);
		part.role = 'replica';
		part.lease = null;
		part.room?.reload();
	}

	/** Reads who owns `part`'s room; takes the room over if nobody does. */
	async #resolveOwner(part: RoomPart): Promise<void> {
		if (part.promoting) return part.promoting;
		if (part.role === 'owner' || part.gone) return;
		const held = await this.#opts.leases.holder(part.name);
		if (held && held.lease.node !== this.node) {
			part.owner = held.lease.node;
			return;
		}
		await this.#promote(part);
	}

	/**
	 * Takes over a room whose owner is gone: the lease (raising its epoch, which fences the old
	 * owner), then everything the log holds past what this replica applied, then its writes.
	 */
	#promote(part: RoomPart): Promise<void> {
		if (part.promoting) return part.promoting;
		const t0 = Date.now();
		part.promoting = (async () => {
			const got = await this.#opts.leases.acquire(part.name, this.node, this.#opts.leaseTtlMs);
			if (!got.ok) {
				part.owner = got.owner.node;
				return;
			}
			part.lease = got.lease;
			// The old owner can commit nothing more: the log's end is final. Read it all.
			await part.feed.catchUp();
			await this.#opts.refreshClientOwners(part.name);
			part.role = 'owner';
			part.owner = this.node;
			if (part.feed.broken) part.room?.reload();
			else part.room?.forwardTo(null);
			this.#log.info(
				{ room: part.name, epoch: got.lease.epoch, seq: part.feed.applied, ms: Date.now() - t0 },
				'took the room over: its owner is gone'
			);
		})()
			.catch((err: unknown) => {
				this.#log.warn({ room: part.name, err: String(err) }, 'taking the room over failed');
			})
			.finally(() => {
				part.promoting = null;
			});
		return part.promoting;
	}

	async #announceHeads(): Promise<void> {
		const heads: Array<{ room: string; seq: number }> = [];
		for (const part of this.#parts.values()) {
			if (part.role === 'owner' && part.room?.state === 'ready')
				heads.push({ room: part.name, seq: part.room.lastSeq });
		}
		await this.#opts.relay.announceHeads(heads).catch(() => undefined);
	}

	#send(to: string, message: NodeMessage, bytes?: Uint8Array): Promise<void> {
		return this.#opts.relay.send(`node:${to}`, encodeMessage(message, bytes));
	}

	#onMessage(m: Buffer): void {
		const msg = decodeMessage<NodeMessage>(m);
		if (!msg) return;
		const h = msg.header;
		switch (h.kind) {
			case 'frame':
			case 'change':
			case 'leave':
				this.#desk.handle(h as ToOwner, msg.bytes);
				break;
			case 'result':
			case 'not-owner':
			case 'close':
			case 'refuse':
			case 'refused-changes':
				this.#forwarding.handle(h as FromOwner, (room) => this.#parts.get(room));
				break;
			default:
				this.#log.warn({ kind: (h as { kind?: unknown }).kind }, 'unknown message from another node');
		}
	}
}
