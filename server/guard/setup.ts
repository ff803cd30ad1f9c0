/**
 * Puts the permission guard together for the composition root: its migration, the attribution
 * store and the room hooks (the audit API over the same store is server/api/audit.ts). Register
 * the hooks after identity's and the incidents' (a refused join must never reach the guard) and
 * stop it after the rooms closed.
 */
import type { OrgDirectory } from '#domain/actor';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { Logger } from '../log.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import type { Migration } from '../store/sqlite/database.ts';
import { attributionMigrations, SqliteAttributionStore } from './attribution-store.ts';
import { backfillClientOwners } from './client-owners-backfill.ts';
import { clientOwnerMigrations, SqliteClientOwnerStore } from './client-owners.ts';
import { createGuard } from './guard.ts';

export const guardMigrations: readonly Migration[] = [...attributionMigrations, ...clientOwnerMigrations];

export interface GuardParts {
	hooks: RoomHooks;
	attribution: SqliteAttributionStore;
	/** Closes the guard's store connections; call after the rooms have closed, before the database. */
	stop(): void;
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
	db: SqliteDatabase;
	/**
	 * `db`'s file: attribution rows are then written on a connection of their own with
	 * synchronous=NORMAL (attribution-store.ts). Null or ':memory:' for an in-memory database.
	 */
	file: string | null;
	log: Logger;
	orgs: OrgDirectory;
	/** Rooms that hold incident documents (others are ad hoc rooms, not guarded). */
	guards: (roomName: string) => boolean;
}): GuardParts {
	const log = opts.log.child({ module: 'guard' });
	const recovered = backfillClientOwners(opts.db);
	if (recovered > 0) log.info({ bindings: recovered }, 'client id owners recovered from the update log');
	const attribution = new SqliteAttributionStore(opts.db, { file: opts.file });
	const clientOwners = new SqliteClientOwnerStore(opts.db, { file: opts.file });
	return {
		hooks: createGuard({ orgs: opts.orgs, attribution, clientOwners, guards: opts.guards, log }),
		attribution,
		stop: () => {
			attribution.close();
			clientOwners.close();
		}
	};
}
