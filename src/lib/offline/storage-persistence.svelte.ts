/**
 * Whether the browser has promised to keep this site's storage (navigator.storage.persist).
 * Without it, a browser short of space may delete the rooms and outbox kept on the phone (WebKit
 * evicts whole sites), so the page says which it is. Chromium grants it to an installed app or a
 * much-used site, and answers without asking the person.
 */
export type Persistence = 'unknown' | 'granted' | 'denied' | 'unsupported';

class StoragePersistence {
	#state = $state<Persistence>('unknown');
	#asking: Promise<Persistence> | null = null;

	get state(): Persistence {
		return this.#state;
	}

	/** Asks once per page; later calls share the answer. */
	request(): Promise<Persistence> {
		this.#asking ??= this.#ask().then(
			(s) => (this.#state = s),
			() => (this.#state = 'unsupported')
		);
		return this.#asking;
	}

	async #ask(): Promise<Persistence> {
		const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
		if (!storage?.persist || !storage.persisted) return 'unsupported';
		if (await storage.persisted()) return 'granted';
		return (await storage.persist()) ? 'granted' : 'denied';
	}
}

export const storagePersistence = new StoragePersistence();
