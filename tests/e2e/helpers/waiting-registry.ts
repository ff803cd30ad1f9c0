/**
 * The registry of what waits on the device (src/lib/offline/waiting-registry.ts), read as stored
 * from inside a page: what the service worker reads before it installs an update.
 */
import type { Page } from 'playwright-core';

export interface StoredWaiting {
	room: string;
	kind?: string;
	count: number;
}

export function waitingRegistry(page: Page): Promise<StoredWaiting[]> {
	return page.evaluate(
		() =>
			new Promise<StoredWaiting[]>((resolve, reject) => {
				const r = indexedDB.open('sitroom-offline');
				r.onerror = () => reject(r.error);
				r.onsuccess = () => {
					const get = r.result.transaction('waiting').objectStore('waiting').getAll();
					get.onsuccess = () => {
						r.result.close();
						resolve(get.result as StoredWaiting[]);
					};
				};
			})
	);
}
