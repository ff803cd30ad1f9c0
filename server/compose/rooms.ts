/**
 * The room registry and the hooks it runs. The services that provide the hooks need the
 * registry themselves (identity closes a user's peers, incidents open rooms), so the registry
 * is made first, and `use` adds each service's hooks, in the order they run, before any room
 * opens.
 */
import type { Config } from '../config.ts';
import type { RoomAccess } from '../identity/live-connections.ts';
import type { Logger } from '../log.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import { RoomRegistry, type RoomLifecycle } from '../rooms/registry.ts';
import type { RoomLinks } from '../rooms/room.ts';
import type { DocStore } from '../store/doc-store.ts';

export interface Rooms {
	registry: RoomRegistry;
	/** Appends hooks; they run after those added before them. */
	use(...hooks: RoomHooks[]): void;
	/** What identity needs of the rooms to close a user's peers. */
	access: RoomAccess;
}

export function createRooms(
	config: Config,
	store: DocStore,
	log: Logger,
	cluster?: { lifecycle: RoomLifecycle; links: RoomLinks }
): Rooms {
	// The rooms read this list at every event, so hooks added later still apply.
	const hooks: RoomHooks[] = [];
	const registry = new RoomRegistry({
		store,
		hooks,
		limits: {
			maxMessageBytes: config.maxMessageBytes,
			maxAwarenessStateBytes: config.maxAwarenessStateBytes,
			maxQueuedBytes: config.maxQueuedBytes,
			snapshotEvery: config.snapshotEvery,
			visibleAfter: config.visibleAfter
		},
		idleUnloadMs: config.roomIdleMs,
		log,
		...(cluster ? { lifecycle: cluster.lifecycle, links: cluster.links } : {})
	});
	return {
		registry,
		use: (...more) => {
			hooks.push(...more);
		},
		access: {
			leave: (name, peer) => registry.get(name)?.leave(peer),
			isPresent: (name, peer) => {
				const room = registry.get(name);
				if (room) for (const p of room.peers) if (p === peer) return true;
				return false;
			}
		}
	};
}
