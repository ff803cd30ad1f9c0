/**
 * Calls to Redis that must neither hold a node nor end it while Redis is away.
 *
 * node-redis queues a command while its connection is down (the offline queue) and settles it
 * only once Redis is back, or rejects it when the client is destroyed; a command in flight when
 * Redis dies rejects. So: what a stop waits for is bounded (`settleWithin`), a client is closed
 * without waiting for a Redis that does not answer (`closeClient`), and a library that leaves the
 * promises of its calls unhandled (`@socket.io/redis-adapter`) gets a client whose calls are
 * handled (`handleRejections`): a rejection nobody handles ends the Node process.
 */
import type { createClient } from 'redis';

type Client = ReturnType<typeof createClient>;

/** How long a stop waits for Redis to answer a close or an unsubscribe. */
export const STOP_WAIT_MS = 1000;

/** How long a request (a login's throttle count) waits for Redis before doing without it. */
export const ANSWER_WAIT_MS = 500;

/**
 * Waits for `p` at most `ms` (not at all when `ms` is 0); never rejects: a rejection, now or
 * later, goes to `onError`. Resolves true if `p` fulfilled in time.
 */
export async function settleWithin(
	p: Promise<unknown>,
	ms: number,
	onError: (err: unknown) => void = () => undefined
): Promise<boolean> {
	const settled = p.then(
		() => true,
		(err: unknown) => {
			onError(err);
			return false;
		}
	);
	if (ms <= 0) return false;
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<boolean>((resolve) => {
		timer = setTimeout(() => resolve(false), ms);
		timer.unref();
	});
	try {
		return await Promise.race([settled, late]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * `p`'s value if it fulfils within `ms`, otherwise undefined (rejected, late, or not asked at all
 * when `ms` is 0). Never rejects; a later rejection is handled too.
 */
export async function answerWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
	let value: T | undefined;
	const ok = await settleWithin(
		p.then((v) => void (value = v)),
		ms
	);
	return ok ? value : undefined;
}

/**
 * Closes `client`: gracefully (its pending commands answered) if Redis is there and answers within
 * `ms`, otherwise destroyed, which rejects whatever is still queued (callers handle theirs).
 */
export async function closeClient(client: Client, ms = STOP_WAIT_MS): Promise<void> {
	if (!client.isOpen) return;
	if (client.isReady && (await settleWithin(client.close(), ms))) return;
	client.destroy();
}

/** The node-redis calls `@socket.io/redis-adapter` 8 makes without handling their promises. */
const UNHANDLED_BY_ADAPTER = [
	'publish',
	'sPublish',
	'subscribe',
	'unsubscribe',
	'pSubscribe',
	'pUnsubscribe',
	'sSubscribe',
	'sUnsubscribe'
] as const;

/**
 * Makes every call of `methods` on `client` handled: a rejection goes to `onError` (the promise
 * returned still rejects, for a caller that awaits it). For a client handed to a library that
 * fires these calls and forgets them.
 */
export function handleRejections(
	client: Client,
	onError: (err: unknown, method: string) => void,
	methods: readonly string[] = UNHANDLED_BY_ADAPTER
): Client {
	const target = client as unknown as Record<string, unknown>;
	for (const method of methods) {
		const original = target[method];
		if (typeof original !== 'function') continue;
		target[method] = function (this: unknown, ...args: unknown[]): unknown {
			const result: unknown = (original as (...a: unknown[]) => unknown).apply(this, args);
			if (result instanceof Promise) result.catch((err: unknown) => onError(err, method));
			return result;
		};
	}
	return client;
}
