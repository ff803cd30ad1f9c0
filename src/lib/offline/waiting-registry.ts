/**
 * Everything on this device not yet on the server, counted in one place: the changes waiting in
 * each room's outbox, the photos waiting to upload, the position fixes and the warning
 * acknowledgements (签收) waiting to be sent, by user, in one small database every page and the
 * service worker can read. Every queue feeds it (local-room.svelte.ts, photo-uploader.svelte.ts,
 * track-sender.svelte.ts, components/warnings/ack-queue.ts); logging out asks first
 * when the user has anything waiting, naming what, and the service worker refuses to install an
 * app update while anything of anyone waits (the new version starts only once everything is on
 * the server).
 */
import { done, openDatabase, request } from './idb.ts';

const DB = 'sitroom-offline';
const STORE = 'waiting';

/** What waits: document changes (per room), photos, position fixes or warning acknowledgements (per user). */
export type WaitingKind = 'changes' | 'photos' | 'fixes' | 'acks';

export interface WaitingEntry {
	userId: string;
	/** The room for document changes; `#photos`, `#fixes`, `#acks` for the per-user queues. */
	room: string;
	count: number;
	/** Absent in entries written before photos and fixes were counted: document changes. */
	kind?: WaitingKind;
}

/** How much of one user waits on this device, by kind. */
export interface WaitingSummary {
	changes: number;
	photos: number;
	fixes: number;
	acks: number;
	total: number;
}

let opening: Promise<IDBDatabase> | null = null;

function registry(): Promise<IDBDatabase> {
	opening ??= openDatabase(DB, 1, (db) => {
		if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: ['userId', 'room'] });
	}).catch((err: unknown) => {
		opening = null;
		throw err;
	});
	return opening;
}

export async function recordWaiting(entry: WaitingEntry): Promise<void> {
	const db = await registry();
	const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
	if (entry.count > 0) tx.objectStore(STORE).put(entry);
	else tx.objectStore(STORE).delete([entry.userId, entry.room]);
	await done(tx);
}

/** Records how many photos, fixes or acknowledgements of `userId` wait in their queue on this device. */
export function recordQueued(
	userId: string,
	kind: Exclude<WaitingKind, 'changes'>,
	count: number
): Promise<void> {
	return recordWaiting({ userId, room: `#${kind}`, kind, count });
}

/** Everything waiting (rooms and queues); of one user when `userId` is given. */
export async function waitingEntries(userId?: string): Promise<WaitingEntry[]> {
	const db = await registry();
	const all = await request(
		db.transaction(STORE, 'readonly').objectStore(STORE).getAll() as IDBRequest<WaitingEntry[]>
	);
	return all.filter((e) => e.count > 0 && (userId === undefined || e.userId === userId));
}

export function summarise(entries: readonly WaitingEntry[]): WaitingSummary {
	const s: WaitingSummary = { changes: 0, photos: 0, fixes: 0, acks: 0, total: 0 };
	for (const e of entries) {
		s[e.kind ?? 'changes'] += e.count;
		s.total += e.count;
	}
	return s;
}

/** What of `userId` waits on this device, by kind (nothing when the registry cannot be read). */
export async function waitingOf(userId: string): Promise<WaitingSummary> {
	return summarise(await waitingEntries(userId).catch(() => []));
}
