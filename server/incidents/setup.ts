/**
 * Puts incidents together for the composition root: the index, the jurisdiction, the room hooks
 * (access, index sync, feed checks after load), the demo incident from the jurisdiction's demo
 * scenario, and the periodic feed health monitor. Its REST routes are server/api/incidents.ts, feeds.ts and config.ts.
 */
import type { Jurisdiction } from '#domain/api/jurisdiction';
import type { Config } from '../config.ts';
import { FeedAllowlist } from '../feeds/allowlist.ts';
import { FeedHealthMonitor } from '../feeds/feed-health-monitor.ts';
import type { Identity } from '../identity/identity.ts';
import type { Logger } from '../log.ts';
import type { RoomHooks } from '../rooms/hooks.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { seedDemoIncident } from './demo-incident.ts';
import { readDemoScenario } from './demo-scenario.ts';
import { IncidentIndex } from './incident-index.ts';
import type { IncidentRepository } from './incident-repository.ts';
import { indexSyncHooks } from './index-sync.ts';
import { loadJurisdiction } from './jurisdiction.ts';
import { roomAccessHooks } from './room-access.ts';

export interface IncidentParts {
	index: IncidentIndex;
	jurisdiction: Jurisdiction;
	monitor: FeedHealthMonitor;
	/** Whether the operator allowed the feed checks any host at all (FEED_CHECK_ALLOW). */
	feedChecksEnabled: boolean;
	/** Register after identity's hooks: access decisions need an authenticated, live session. */
	hooks: RoomHooks[];
	/** Creates the demo incident when due and starts the feed monitor. */
	start(): Promise<void>;
	stop(): void;
}

export async function setUpIncidents(opts: {
	config: Config;
	incidents: IncidentRepository;
	registry: RoomRegistry;
	identity: Identity;
	log: Logger;
}): Promise<IncidentParts> {
	const { config, registry, identity } = opts;
	const log = opts.log.child({ module: 'incidents' });
	const index = await IncidentIndex.load(opts.incidents);
	const jurisdiction = loadJurisdiction(config.jurisdictionDir);
	const allowlist = new FeedAllowlist(config.feedChecks.allow);
	const monitor = new FeedHealthMonitor({
		registry,
		activeIncidents: async () => (await index.list({ status: 'active', limit: 10_000 })).map((i) => i.id),
		allowlist,
		intervalMs: config.feedChecks.intervalMs,
		timeoutMs: config.feedChecks.timeoutMs,
		refreshMs: config.feedChecks.refreshMs,
		concurrency: config.feedChecks.concurrency,
		log: log.child({ module: 'feed-health' })
	});

	return {
		index,
		jurisdiction,
		monitor,
		feedChecksEnabled: !allowlist.isEmpty,
		hooks: [
			roomAccessHooks({ index, orgs: identity.orgs, allowAdhocRooms: config.allowAdhocRooms }),
			indexSyncHooks(index, log),
			monitor.hooks()
		],
		async start() {
			const scenario = config.identity.demo !== false ? readDemoScenario(config.jurisdictionDir) : null;
			if (scenario) {
				await seedDemoIncident(
					{
						registry,
						index,
						log,
						userByUsername: async (name) => {
							// Only the seeded demo accounts author demo content, never a real user of that name.
							const u = await identity.users.byUsername(name);
							return u?.demo && u.active ? { id: u.id, orgId: u.orgId } : undefined;
						}
					},
					scenario
				);
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
