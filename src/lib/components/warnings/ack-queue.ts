/**
 * Acknowledgements (签收) made while offline: kept in IndexedDB (`sitroom-warning-acks`) with the
 * device's time, and sent when the browser is back online (or the page opens again). The server
 * records both the device's time and its own. A refusal (already acknowledged by a colleague, the
 * warning cancelled) ends the item: the server's record stands.
 */
import { NETWORK_ERROR } from '$lib/api/client';
import { acknowledgeWarning } from '$lib/api/warnings';
import { ApiError } from '$lib/domain/api/errors';

const DB = 'sitroom-warning-acks';
const STORE = 'acks';

interface QueuedAck {
	warningId: string;
	deviceAt: string;
}

function db(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.open(DB, 1);
		req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'warningId' });
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
	const d = await db();
	try {
		return await new Promise<T>((resolve, reject) => {
			const req = fn(d.transaction(STORE, mode).objectStore(STORE));
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
	} finally {
		d.close();
	}
}

export function queuedAcks(): Promise<QueuedAck[]> {
	if (typeof indexedDB === 'undefined') return Promise.resolve([]);
	return run('readonly', (s) => s.getAll() as IDBRequest<QueuedAck[]>);
}

const isOffline = (err: unknown) => err instanceof ApiError && err.code === NETWORK_ERROR;

/**
 * Acknowledges now, or, when the network is down, queues it with the device's time.
 * Returns 'sent' or 'queued'; a refusal from the server is thrown.
 */
export async function acknowledge(warningId: string): Promise<'sent' | 'queued'> {
	const deviceAt = new Date().toISOString();
	try {
		await acknowledgeWarning(warningId, deviceAt);
		return 'sent';
	} catch (err) {
		if (!isOffline(err)) throw err;
		await run('readwrite', (s) => s.put({ warningId, deviceAt } satisfies QueuedAck));
		return 'queued';
	}
}

let flushing: Promise<number> | null = null;

/** Sends what is queued; returns how many left the queue. */
export function flushAcks(): Promise<number> {
	flushing ??= (async () => {
		let done = 0;
		for (const a of await queuedAcks()) {
			try {
				await acknowledgeWarning(a.warningId, a.deviceAt);
			} catch (err) {
				if (isOffline(err)) break;
				// Refused for good (acknowledged already, cancelled, not a target): the server's record stands.
			}
			await run('readwrite', (s) => s.delete(a.warningId));
			done++;
		}
		return done;
	})().finally(() => (flushing = null));
	return flushing;
}
