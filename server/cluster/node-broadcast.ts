/**
 * JSON messages every other node hears, on one Redis channel `<prefix>:<name>` (several nodes):
 * for what is not document state and may be lost, such as the warnings' page events. Each message
 * names the node that sent it, and a node ignores its own (it delivered them itself already).
 *
 * Sending never blocks and never throws: the warning (or whatever the message is about) is
 * already in the database. While Redis is away, node-redis queues the publish and sends it once
 * it is back; a message lost meanwhile is one a listener is told to make up for (`onReconnect`).
 */
import type { RedisRelay } from './redis-relay.ts';

export interface NodeBroadcastOptions<T> {
	relay: RedisRelay;
	/** This node's id. */
	node: string;
	/** The channel's name after the prefix. */
	name: string;
	/** Checks a message of another node; null: dropped (malformed, or from a newer node). */
	parse(payload: unknown): T | null;
	/** A message of another node. */
	receive(message: T, from: string): void;
	/** Told when a send failed (logged by the caller). */
	onError?(err: unknown): void;
}

interface Envelope {
	from: string;
	payload: unknown;
}

export class NodeBroadcast<T> {
	#stop: (() => Promise<void>) | null = null;
	#closed = false;

	private constructor(private readonly opts: NodeBroadcastOptions<T>) {}

	/** Listens to the channel; resolves once subscribed. */
	static async open<T>(opts: NodeBroadcastOptions<T>): Promise<NodeBroadcast<T>> {
		const b = new NodeBroadcast(opts);
		b.#stop = await opts.relay.listen(opts.name, (m) => b.#onMessage(m));
		return b;
	}

	/** Sends to the other nodes; never waits for Redis. */
	send(payload: T): void {
		if (this.#closed) return;
		const envelope: Envelope = { from: this.opts.node, payload };
		this.opts.relay
			.send(this.opts.name, Buffer.from(JSON.stringify(envelope), 'utf8'))
			.catch((err: unknown) => this.opts.onError?.(err));
	}

	/** Stops listening; does not wait for Redis (away, it would hold a shutdown until it is back). */
	async close(): Promise<void> {
		this.#closed = true;
		void this.#stop?.().catch(() => undefined);
		this.#stop = null;
	}

	#onMessage(message: Buffer): void {
		if (this.#closed) return;
		let envelope: Partial<Envelope>;
		try {
			envelope = JSON.parse(message.toString('utf8')) as Partial<Envelope>;
		} catch {
			return;
		}
		if (typeof envelope !== 'object' || envelope === null || typeof envelope.from !== 'string') return;
		if (envelope.from === this.opts.node) return;
		const payload = this.opts.parse(envelope.payload);
		if (payload !== null) this.opts.receive(payload, envelope.from);
	}
}
