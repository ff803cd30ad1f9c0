/**
 * Puts the permission guard together for the composition root: its migration, the attribution
 * store and the room hooks (the audit API over the same store is server/api/audit.ts). Register
 * the hooks after identity's and the incidents' (a refused join must never reach the guard) and
 * stop it after the rooms closed.
 */
import type { OrgDirectory } from '#domain/actor';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import { attributionMigrations, SqliteAttributionStore } from './attribution-store.ts';
import { createGuard } from './guard.ts';

export { attributionMigrations as guardMigrations };

export interface GuardParts {
	hooks: RoomHooks;
	attribution: SqliteAttributionStore;
	/** Writes buffered attribution rows; call after the rooms have closed, before the database. */
	stop(): void;
}

export function setUpGuard(opts: {
	db: SqliteDatabase;
	orgs: OrgDirectory;
	/** Rooms that hold incident documents (others are ad hoc rooms, not guarded). */
	guards: (roomName: string) => boolean;
}): GuardParts {
	const attribution = new SqliteAttributionStore(opts.db);
	return {
		hooks: createGuard({ orgs: opts.orgs, attribution, guards: opts.guards }),
		attribution,
		stop: () => attribution.close()
	};
}
