/**
 * The few IndexedDB calls the offline stores need, as promises. No library: y-indexeddb and
 * lib0's helpers reload the page when another tab blocks an upgrade and have no error path
 * (see docs/offline.md); here a blocked or failed open is an error the caller handles.
 */

export function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
	});
}

/** Resolves once the transaction has committed (for 'strict', once it is on disk). */
export function done(tx: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
		tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
	});
}

export function openDatabase(
	name: string,
	version: number,
	upgrade: (db: IDBDatabase, oldVersion: number) => void
): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		if (typeof indexedDB === 'undefined') {
			reject(new Error('IndexedDB is not available'));
			return;
		}
		const req = indexedDB.open(name, version);
		req.onupgradeneeded = (e) => upgrade(req.result, e.oldVersion);
		req.onsuccess = () => {
			const db = req.result;
			// A newer version of the app opened the database in another tab: let it upgrade.
			db.onversionchange = () => db.close();
			resolve(db);
		};
		req.onerror = () => reject(req.error ?? new Error(`cannot open ${name}`));
		req.onblocked = () => reject(new Error(`${name} is held open by an older tab`));
	});
}
