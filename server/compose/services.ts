/**
 * The services over the rooms, set up in the order their room hooks must run: identity (a join
 * must come from a live, authenticated session), then incidents (who may read which incident,
 * the index, feed checks), and the permission guard last (it judges the updates of peers the
 * others admitted; a refused join must never reach it).
 */
import type { Config } from '../config.ts';
import { cachedGuardDecision, setUpGuard, type GuardParts } from '../guard/setup.ts';
import { setUpIdentity, type IdentityParts } from '../identity/setup.ts';
import { setUpIncidents, type IncidentParts } from '../incidents/setup.ts';
import type { Logger } from '../log.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import type { Rooms } from './rooms.ts';

export interface Services {
	identity: IdentityParts;
	incidents: IncidentParts;
	guard: GuardParts;
	/** Stops what the services run; after the rooms and transports closed, before the stores. */
	stop(): void;
}

export async function setUpServices(opts: {
	config: Config;
	tables: SqliteDatabase;
	rooms: Rooms;
	log: Logger;
}): Promise<Services> {
	const { config, tables, rooms, log } = opts;
	const identity = await setUpIdentity({ config, db: tables, log, rooms: rooms.access });
	try {
		const incidents = setUpIncidents({
			config,
			db: tables,
			registry: rooms.registry,
			identity: identity.identity,
			log
		});
		const guard = setUpGuard({
			db: tables,
			// The database's file (':memory:' with the in-memory store): attribution rows get a
			// connection of their own there.
			file: tables.name,
			log,
			orgs: identity.identity.orgs,
			guards: config.allowAdhocRooms
				? cachedGuardDecision(
						(room) => incidents.index.has(room),
						() => incidents.index.membershipVersion
					)
				: () => true
		});
		rooms.use(identity.hooks, ...incidents.hooks, guard.hooks);
		return {
			identity,
			incidents,
			guard,
			stop() {
				identity.identity.stop();
				guard.stop();
			}
		};
	} catch (err) {
		identity.identity.stop();
		throw err;
	}
}
