/**
 * Puts the permission guard together for the composition root: the room hooks over the
 * attribution store and the client-id owner store the stores stage opened (the audit API over
 * the attribution store is server/api/audit.ts). Register the hooks after identity's and the
 * incidents' (a refused join must never reach the guard).
 */
import type { OrgDirectory } from '#domain/actor';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { Logger } from '../log.ts';
import type { AttributionStore } from './attribution-store.ts';
import type { ClientOwnerStore } from './client-owners.ts';
import { createGuard } from './guard.ts';

export interface GuardParts {
	hooks: RoomHooks;
	attribution: AttributionStore;
}

/**
 * Remembers a per-room decision of whether the guard applies (it is asked on every update).
 * `version` must change whenever any decision may have changed: the incident index counts its
 * inserts and removals, and the whole cache is dropped when the count moves. Bounded, because
 * in development ad hoc rooms can have any name.
 */
export function cachedGuardDecision(
	decide: (roomName: string) => boolean,
	version: () => number,
	maxRooms = 10_000
): (roomName: string) => boolean {
	let seen = version();
	let cache = new Map<string, boolean>();
	return (roomName) => {
		const now = version();
		if (now !== seen || cache.size >= maxRooms) {
			seen = now;
			cache = new Map();
		}
		let decision = cache.get(roomName);
		if (decision === undefined) cache.set(roomName, (decision = decide(roomName)));
		return decision;
	};
}

export function setUpGuard(opts: {
	attribution: AttributionStore;
	clientOwners: ClientOwnerStore;
	log: Logger;
	/** The in-memory organisation directory: checkUpdate is synchronous. */
	orgs: OrgDirectory;
	/** Rooms that hold incident documents (others are ad hoc rooms, not guarded). */
	guards: (roomName: string) => boolean;
}): GuardParts {
	const { attribution, clientOwners } = opts;
	const log = opts.log.child({ module: 'guard' });
	return {
		hooks: createGuard({ orgs: opts.orgs, attribution, clientOwners, guards: opts.guards, log }),
		attribution
	};
}
