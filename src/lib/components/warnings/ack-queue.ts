/**
 * Acknowledgements (签收) made while offline: kept in IndexedDB (`sitroom-warning-acks`) with the
 * device's time, and sent when the browser is back online (or the page opens again). The server
 * records both the device's time and its own. A refusal (already acknowledged by a colleague, the
 * warning cancelled) ends the item: the server's record stands.
 *
 * Each acknowledgement is kept under the person who made it and sent only with their session (a
 * shared phone: the next person signing in must not send it as theirs), and their count feeds the
 * device's waiting registry (logout asks first; an app update waits). Acknowledgements queued
 * before they were kept per person (version 1's `acks` store) are sent by whoever is signed in,
 * as they were.
 */
import { NETWORK_ERROR } from '$lib/api/client';
import { acknowledgeWarning } from '$lib/api/warnings';
import { ApiError } from '$lib/domain/api/errors';
import { recordQueued } from '$lib/offline/waiting-registry';

const DB = 'sitroom-warning-acks';
/** Version 1's store, no person: `warningId` → ack. */
const LEGACY = 'acks';
/** Per person: [userId, warningId] → ack. */
const STORE = 'user-acks';

interface QueuedAck {
	warningId: string;
	deviceAt: string;
	/** Absent in acknowledgements queued by version 1. */
	userId?: string;
}

function db(): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const req = indexedDB.open(DB, 2);
		req.onupgradeneeded = (e) => {
			if (e.oldVersion < 1) req.result.createObjectStore(LEGACY, { keyPath: 'warningId' });
			if (e.oldVersion < 2) req.result.createObjectStore(STORE, { keyPath: ['userId', 'warningId'] });
		};
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

async function run<T>(
	store: string,
	mode: IDBTransactionMode,
	fn: (s: IDBObjectStore) => IDBRequest<T>
): Promise<T> {
	const d = await db();
	try {
		return await new Promise<T>((resolve, reject) => {
			const tx = d.transaction(store, mode, { durability: 'strict' });
			const req = fn(tx.objectStore(store));
			let result: T;
			req.onsuccess = () => (result = req.result);
			req.onerror = () => reject(req.error);
			// Resolved once committed (for a write: on the phone's storage).
			tx.oncomplete = () => resolve(result);
			tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
		});
	} finally {
		d.close();
	}
}

/** This person's queued acknowledgements (and any queued before they were kept per person). */
export async function queuedAcks(userId: string): Promise<QueuedAck[]> {
	if (typeof indexedDB === 'undefined') return [];
	const [legacy, own] = await Promise.all([
		run(LEGACY, 'readonly', (s) => s.getAll() as IDBRequest<QueuedAck[]>),
		run(
			STORE,
			'readonly',
			(s) => s.getAll(IDBKeyRange.bound([userId, ''], [userId, '\uffff'])) as IDBRequest<QueuedAck[]>
		)
	]);
	return [...legacy, ...own];
}

/** Writes this person's count into the device's waiting registry. */
async function recordCount(userId: string): Promise<void> {
	const own = await run(STORE, 'readonly', (s) =>
		s.count(IDBKeyRange.bound([userId, ''], [userId, '\uffff']))
	);
	await recordQueued(userId, 'acks', own).catch((err: unknown) =>
		console.warn('sitroom: could not record waiting acknowledgements', err)
	);
}

const isOffline = (err: unknown) => err instanceof ApiError && err.code === NETWORK_ERROR;

/**
 * Acknowledges now, or, when the network is down, queues it with the device's time.
 * Returns 'sent' or 'queued'; a refusal from the server is thrown.
 */
export async function acknowledge(warningId: string, userId: string): Promise<'sent' | 'queued'> {
	const deviceAt = new Date().toISOString();
	try {
		await acknowledgeWarning(warningId, deviceAt);
		return 'sent';
	} catch (err) {
		if (!isOffline(err)) throw err;
		await run(STORE, 'readwrite', (s) => s.put({ userId, warningId, deviceAt } satisfies QueuedAck));
		await recordCount(userId);
		return 'queued';
	}
}

let flushing: Promise<number> | null = null;

/** Sends what this person queued; returns how many left the queue. */
export function flushAcks(userId: string): Promise<number> {
	flushing ??= (async () => {
		let done = 0;
		try {
			for (const a of await queuedAcks(userId)) {
				try {
					await acknowledgeWarning(a.warningId, a.deviceAt);
				} catch (err) {
					if (isOffline(err)) break;
					// Refused for good (acknowledged already, cancelled, not a target): the server's record stands.
				}
				if (a.userId === undefined) await run(LEGACY, 'readwrite', (s) => s.delete(a.warningId));
				else await run(STORE, 'readwrite', (s) => s.delete([userId, a.warningId]));
				done++;
			}
		} finally {
			await recordCount(userId).catch(() => undefined);
		}
		return done;
	})().finally(() => (flushing = null));
	return flushing;
}
