/**
 * The relay between nodes over Redis pub/sub (REDIS_URL): after a commit the owner of a room
 * publishes `(seq, update)` on the room's channel, and announces the heads of its rooms every few
 * seconds on one shared channel; replicas subscribe to the rooms they hold (before loading them,
 * RoomFeed). Pub/sub keeps nothing and may lose messages (while a node is disconnected, or when
 * Redis restarts; it keeps nothing on disk): RoomFeed fills every gap from the store's log, and
 * `onReconnect` tells the feeds to catch up after the subscriber connection came back.
 *
 * A message is the sequence number (8 bytes, big-endian) followed by the update's bytes.
 *
 * Nothing here holds a stop while Redis is away: an unsubscribe is waited for only while the
 * subscriber is connected, and at most STOP_WAIT_MS; `close` destroys a connection that does not
 * answer (node-redis' graceful close waits for every queued command, so for Redis to come back).
 * Nor does it hold a room's opening: a subscription asked for while the subscriber is away, or
 * not confirmed within SUBSCRIBE_WAIT_MS, fails with RelayUnavailableError (and is undone if it
 * lands later), so a join is answered with a named refusal the client retries instead of waiting
 * for Redis in node-redis' queue.
 */
import { createClient } from 'redis';
import { closeClient, settleWithin, STOP_WAIT_MS } from './redis-settle.ts';

export interface RedisRelayOptions {
	url: string;
	/** Prefix of every channel, so several deployments can share one Redis. Default "sitroom". */
	prefix?: string;
	/** Test hook: a publish for which this returns true is dropped instead of sent. */
	dropPublish?: (room: string, seq: number) => boolean;
	/** Test hook: a message of the cluster's own (`send`) for which this returns true is dropped. */
	dropSend?: (name: string, message: Buffer) => boolean;
	/** Told about connection errors (it reconnects by itself). */
	onError?: (err: unknown) => void;
}

export type Client = ReturnType<typeof createClient>;

/** How long a room's opening waits for Redis to confirm a subscription. */
export const SUBSCRIBE_WAIT_MS = 3000;

/** Redis did not confirm a subscription in time (it is away): the room cannot be followed. */
export class RelayUnavailableError extends Error {
	override readonly name = 'RelayUnavailableError';
}

export type RelayListener = (seq: number, update: Uint8Array) => void;
export type HeadsListener = (heads: ReadonlyArray<{ room: string; seq: number }>) => void;

export function encodeRelayed(seq: number, update: Uint8Array): Buffer {
	const message = Buffer.allocUnsafe(8 + update.byteLength);
	message.writeBigUInt64BE(BigInt(seq), 0);
	message.set(update, 8);
	return message;
}

export function decodeRelayed(message: Buffer): { seq: number; update: Uint8Array } | null {
	if (message.byteLength < 8) return null;
	const seq = Number(message.readBigUInt64BE(0));
	return { seq, update: new Uint8Array(message.subarray(8)) };
}

export class RedisRelay {
	readonly #prefix: string;
	readonly #reconnectListeners = new Set<() => void>();
	#ready = 0;
	#closed = false;

	private constructor(
		private readonly pub: Client,
		private readonly sub: Client,
		private readonly opts: RedisRelayOptions
	) {
		this.#prefix = opts.prefix ?? 'sitroom';
		// 'ready' fires at each (re)connection of the subscriber; after the first, messages may
		// have been lost meanwhile.
		sub.on('ready', () => {
			if (this.#ready++ > 0) for (const l of this.#reconnectListeners) l();
		});
	}

	static async connect(opts: RedisRelayOptions): Promise<RedisRelay> {
		const make = (): Client =>
			createClient({
				url: opts.url,
				socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) }
			});
		const pub = make();
		const sub = make();
		const onError = (err: unknown): void => opts.onError?.(err);
		pub.on('error', onError);
		sub.on('error', onError);
		const relay = new RedisRelay(pub, sub, opts);
		await Promise.all([pub.connect(), sub.connect()]);
		return relay;
	}

	#roomChannel(room: string): string {
		return `${this.#prefix}:room:${room}`;
	}

	get #headsChannel(): string {
		return `${this.#prefix}:heads`;
	}

	/** Publishes a committed update of `room` (never before its commit). */
	async publish(room: string, seq: number, update: Uint8Array): Promise<void> {
		if (this.#closed || this.opts.dropPublish?.(room, seq)) return;
		await this.pub.publish(this.#roomChannel(room), encodeRelayed(seq, update));
	}

	/** Announces the head sequence numbers of the rooms this node owns. */
	async announceHeads(heads: ReadonlyArray<{ room: string; seq: number }>): Promise<void> {
		if (this.#closed || heads.length === 0) return;
		await this.pub.publish(this.#headsChannel, JSON.stringify(heads));
	}

	/**
	 * Listens to a room's messages; resolves once subscribed (load the room after that). Fails
	 * with RelayUnavailableError when Redis cannot confirm it now (see #subscribeNow).
	 */
	async subscribe(room: string, listener: RelayListener): Promise<() => Promise<void>> {
		const channel = this.#roomChannel(room);
		const onMessage = (message: Buffer): void => {
			const decoded = decodeRelayed(message);
			if (decoded) listener(decoded.seq, decoded.update);
		};
		await this.#subscribeNow(channel, onMessage);
		return () => this.#unsubscribe(channel, onMessage);
	}

	/**
	 * Subscribes, or fails at once while the subscriber is away, or after SUBSCRIBE_WAIT_MS
	 * without Redis' confirmation. A subscription that Redis confirms after that is undone then:
	 * nobody listens to it.
	 */
	async #subscribeNow(channel: string, listener: (message: Buffer) => void): Promise<void> {
		if (this.#closed || !this.sub.isReady) {
			throw new RelayUnavailableError(`Redis is unreachable: cannot subscribe to ${channel}`);
		}
		const asked = this.sub.subscribe(channel, listener, true);
		if (await settleWithin(asked, SUBSCRIBE_WAIT_MS, (err) => this.opts.onError?.(err))) return;
		asked.then(
			() => void this.#unsubscribe(channel, listener),
			() => undefined
		);
		throw new RelayUnavailableError(
			`Redis did not confirm the subscription to ${channel} within ${SUBSCRIBE_WAIT_MS} ms`
		);
	}

	/** Listens to head announcements. */
	async onHeads(listener: HeadsListener): Promise<void> {
		await this.sub.subscribe(this.#headsChannel, (message: string) => {
			try {
				const heads = JSON.parse(message) as Array<{ room: string; seq: number }>;
				if (Array.isArray(heads)) listener(heads);
			} catch {
				// Not ours to crash on: a malformed announcement is ignored.
			}
		});
	}

	/** Publishes a message of the cluster's own on `<prefix>:<name>` (forwarding, presence). */
	async send(name: string, message: Buffer): Promise<void> {
		if (this.#closed || this.opts.dropSend?.(name, message)) return;
		await this.pub.publish(`${this.#prefix}:${name}`, message);
	}

	/**
	 * Listens to `<prefix>:<name>`; resolves once subscribed, with how to stop. Fails with
	 * RelayUnavailableError when Redis cannot confirm it now (see #subscribeNow).
	 */
	async listen(name: string, listener: (message: Buffer) => void): Promise<() => Promise<void>> {
		const channel = `${this.#prefix}:${name}`;
		await this.#subscribeNow(channel, listener);
		return () => this.#unsubscribe(channel, listener);
	}

	/**
	 * Stops listening. Waited for only while the subscriber is connected (and at most
	 * STOP_WAIT_MS): queued while Redis is away, it would settle only once Redis is back, and it
	 * matters little then (the listener is gone; the connection ends with the node).
	 */
	async #unsubscribe(channel: string, listener: (message: Buffer) => void): Promise<void> {
		if (this.#closed) return;
		const wait = this.sub.isReady ? STOP_WAIT_MS : 0;
		await settleWithin(this.sub.unsubscribe(channel, listener, true), wait, (err) =>
			this.opts.onError?.(err)
		);
	}

	/** The publishing connection, for plain commands of the cluster's own (login throttle). */
	get commands(): Client {
		return this.pub;
	}

	/** The channel and key prefix. */
	get prefix(): string {
		return this.#prefix;
	}

	/** Whether both connections are up now. */
	get connected(): boolean {
		return this.pub.isReady && this.sub.isReady;
	}

	/** Called after each reconnection of the subscriber (messages may have been lost meanwhile). */
	onReconnect(listener: () => void): void {
		this.#reconnectListeners.add(listener);
	}

	/** Closes both connections; waits for Redis at most STOP_WAIT_MS (none if it is away). */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		await Promise.all([closeClient(this.pub), closeClient(this.sub)]);
	}
}
