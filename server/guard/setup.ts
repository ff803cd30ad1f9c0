/**
 * Puts the permission guard together for the composition root: its migration, the attribution
 * store, the room hooks and the audit API. Register the hooks after identity's and the
 * incidents' (a refused join must never reach the guard) and stop it after the rooms closed.
 */
import type { Router } from 'express';
import type { Actor, OrgDirectory } from '#domain/actor';
import { auditRouter, type AuditDirectory } from '../api/audit.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import { attributionMigrations, SqliteAttributionStore } from './attribution-store.ts';
import { createGuard } from './guard.ts';

export { attributionMigrations as guardMigrations };

export interface GuardParts {
	hooks: RoomHooks;
	api: Router;
	attribution: SqliteAttributionStore;
	/** Writes buffered attribution rows; call after the rooms have closed, before the database. */
	stop(): void;
}

export function setUpGuard(opts: {
	db: SqliteDatabase;
	orgs: OrgDirectory;
	names: AuditDirectory;
	/** Rooms that hold incident documents (others are ad hoc rooms, not guarded). */
	guards: (roomName: string) => boolean;
	whyNotRead: (actor: Actor, incidentId: string) => string | null;
}): GuardParts {
	const attribution = new SqliteAttributionStore(opts.db);
	return {
		hooks: createGuard({ orgs: opts.orgs, attribution, guards: opts.guards }),
		api: auditRouter({ attribution, names: opts.names, whyNotRead: opts.whyNotRead }),
		attribution,
		stop: () => attribution.close()
	};
}
