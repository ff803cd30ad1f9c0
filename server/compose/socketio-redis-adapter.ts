/**
 * Several nodes: Socket.IO's own events reach sockets on every node through Redis
 * (`@socket.io/redis-adapter`; not document state: rooms resync by state vectors).
 *
 * The adapter (8.3.0) fires its Redis calls and forgets them: the subscriptions it makes when a
 * namespace opens, its broadcasts' and answers' publishes, the unsubscribes of its `close`. One
 * that rejects (in flight when Redis died, or still queued when the client is destroyed) would be
 * an unhandled rejection, which ends the Node process. So its clients' calls are handled (logged),
 * and closing them does not wait for a Redis that is away.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import { closeClient, handleRejections } from '../cluster/redis-settle.ts';
import type { Logger } from '../log.ts';

export interface RedisAdapterParts {
	/** Closes the adapter's Redis connections; after `io.close()` (which closes the adapter). */
	close(): Promise<void>;
}

export async function useRedisAdapter(
	// Any Socket.IO server, whatever its event maps.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	io: Server<any, any, any, any>,
	opts: { url: string; prefix: string; log: Logger }
): Promise<RedisAdapterParts> {
	const log = opts.log.child({ module: 'socket.io-adapter' });
	let lastLost = 0;
	const lost = (err: unknown, method: string): void => {
		// Lost with Redis: nothing of the documents' (they resync); say so once a second at most.
		if (Date.now() - lastLost < 1000) return;
		lastLost = Date.now();
		log.warn({ method, err: String(err) }, 'Socket.IO adapter: a Redis call failed');
	};
	const pub = handleRejections(createClient({ url: opts.url }), lost);
	const sub = handleRejections(pub.duplicate(), lost);
	const onError = (err: unknown): void => log.debug({ err: String(err) }, 'Socket.IO adapter: Redis error');
	pub.on('error', onError);
	sub.on('error', onError);
	await Promise.all([pub.connect(), sub.connect()]);
	io.adapter(createAdapter(pub, sub, { key: `${opts.prefix}:socket.io` }));
	return {
		async close() {
			await Promise.all([closeClient(pub), closeClient(sub)]);
		}
	};
}
