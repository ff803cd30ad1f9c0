/**
 * How many changes wait in each room's outbox, by user and room, in one small database every
 * page and the service worker can read: logging out asks first when the user has any, and the
 * service worker refuses to install an app update while any device change is waiting (the new
 * version starts only once everything is on the server).
 */
import { done, openDatabase, request } from './idb.ts';

const DB = 'sitroom-offline';
const STORE = 'waiting';

export interface WaitingEntry {
	userId: string;
	room: string;
	count: number;
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
	const tx = db.transaction(STORE, 'readwrite');
	if (entry.count > 0) tx.objectStore(STORE).put(entry);
	else tx.objectStore(STORE).delete([entry.userId, entry.room]);
	await done(tx);
}

/** Every room with changes waiting; of one user when `userId` is given. */
export async function waitingEntries(userId?: string): Promise<WaitingEntry[]> {
	const db = await registry();
	const all = await request(
		db.transaction(STORE, 'readonly').objectStore(STORE).getAll() as IDBRequest<WaitingEntry[]>
	);
	return all.filter((e) => e.count > 0 && (userId === undefined || e.userId === userId));
}

/** How many changes of `userId` wait on this device, in every room (0 when unknown). */
export async function waitingCountOf(userId: string): Promise<number> {
	const entries = await waitingEntries(userId).catch(() => []);
	return entries.reduce((n, e) => n + e.count, 0);
}
