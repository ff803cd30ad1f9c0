/**
 * Puts incidents together for the composition root: the index, the room hooks (access, index
 * sync, feed checks after load), the REST routers (incidents, feed checks, map and jurisdiction
 * configuration), the demo incident, and the periodic feed health monitor.
 */
import type { Router } from 'express';
import { configRouter, readMapLayers } from '../api/config.ts';
import { feedsRouter } from '../api/feeds.ts';
import { incidentsRouter } from '../api/incidents.ts';
import type { Config } from '../config.ts';
import { FeedAllowlist } from '../feeds/allowlist.ts';
import { FeedHealthMonitor } from '../feeds/feed-health-monitor.ts';
import type { Identity } from '../identity/identity.ts';
import type { Logger } from '../log.ts';
import type { MapLayerConfig } from '#domain/map-layers';
import type { Role } from '#domain/vocabulary';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { SqliteDatabase } from '../store/sqlite/database.ts';
import { seedDemoIncident } from './demo-incident.ts';
import { IncidentIndex } from './incident-index.ts';
import { indexSyncHooks } from './index-sync.ts';
import { loadJurisdiction } from './jurisdiction.ts';
import { roomAccessHooks } from './room-access.ts';

export interface IncidentParts {
	index: IncidentIndex;
	monitor: FeedHealthMonitor;
	/** The operator's online map layers (MAP_LAYERS), validated. */
	mapLayers: readonly MapLayerConfig[];
	/** Register after identity's hooks: access decisions need an authenticated, live session. */
	hooks: RoomHooks[];
	api: Router[];
	/** Creates the demo incident when due and starts the feed monitor. */
	start(): Promise<void>;
	stop(): void;
}

export function setUpIncidents(opts: {
	config: Config;
	db: SqliteDatabase;
	registry: RoomRegistry;
	identity: Identity;
	log: Logger;
}): IncidentParts {
	const { config, registry, identity } = opts;
	const log = opts.log.child({ module: 'incidents' });
	const index = new IncidentIndex(opts.db);
	const jurisdiction = loadJurisdiction(config.jurisdictionDir);
	const mapLayers = readMapLayers(config.mapLayers);
	const allowlist = new FeedAllowlist(config.feedChecks.allow);
	const monitor = new FeedHealthMonitor({
		registry,
		activeIncidents: () => index.list({ status: 'active', limit: 10_000 }).map((i) => i.id),
		allowlist,
		intervalMs: config.feedChecks.intervalMs,
		timeoutMs: config.feedChecks.timeoutMs,
		refreshMs: config.feedChecks.refreshMs,
		concurrency: config.feedChecks.concurrency,
		log: log.child({ module: 'feed-health' })
	});
	const userRef = (u: { id: string; role: Role; username: string; displayName: string } | undefined) =>
		u && { id: u.id, role: u.role, username: u.username, displayName: u.displayName };

	return {
		index,
		monitor,
		mapLayers,
		hooks: [
			roomAccessHooks({ index, allowAdhocRooms: config.allowAdhocRooms }),
			indexSyncHooks(index, log),
			monitor.hooks()
		],
		api: [
			incidentsRouter({
				index,
				registry,
				jurisdiction,
				userById: (id) => userRef(identity.users.byId(id)),
				userByUsername: (name) => userRef(identity.users.byUsername(name)),
				log
			}),
			feedsRouter({ index, registry, monitor, checksEnabled: !allowlist.isEmpty }),
			configRouter({ mapLayers, jurisdiction })
		],
		async start() {
			if (config.identity.demo !== false) {
				await seedDemoIncident({
					registry,
					index,
					log,
					userByUsername: (name) => {
						// Only the seeded demo accounts author demo content, never a real user of that name.
						const u = identity.users.byUsername(name);
						return u?.demo && u.active ? { id: u.id, orgId: u.orgId } : undefined;
					}
				});
			}
			if (allowlist.isEmpty)
				log.info('FEED_CHECK_ALLOW is empty: feeds are not checked (health stays unknown)');
			monitor.start();
		},
		stop() {
			monitor.stop();
		}
	};
}
