/**
 * The registers' service, its dependencies wired: committing teams and equipment to tasks, the
 * camera network's periodic checks, and the demo rows seeded when due.
 */
import type { Jurisdiction } from '#domain/api/jurisdiction';
import type { Config } from '../config.ts';
import { FeedAllowlist } from '../feeds/allowlist.ts';
import { probeFeed } from '../feeds/playlist-probe.ts';
import type { OrganisationDirectory } from '../identity/organisations.ts';
import type { IncidentRepository } from '../incidents/incident-repository.ts';
import type { Logger } from '../log.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { CameraHealthMonitor } from './camera-health.ts';
import { seedDemoRegisters } from './demo-seed.ts';
import { Dispatch } from './dispatch.ts';
import { openTasks } from './open-tasks.ts';
import { Registers } from './registers.ts';
import type { RegisterRepository } from './repository.ts';
import type { RowCheckContext } from './row-check.ts';

export interface RegisterParts {
	registers: Registers;
	dispatch: Dispatch;
	cameras: CameraHealthMonitor;
	check: RowCheckContext;
	/** Seeds the demo rows when due, then starts the camera checks. */
	start(): Promise<void>;
	stop(): void;
}

export function setUpRegisters(opts: {
	config: Config;
	repo: RegisterRepository;
	orgs: OrganisationDirectory;
	jurisdiction: Jurisdiction;
	incidents: IncidentRepository;
	registry: RoomRegistry;
	userName: (id: string) => Promise<string | undefined>;
	log: Logger;
}): RegisterParts {
	const { config, repo, orgs, jurisdiction } = opts;
	const log = opts.log.child({ module: 'registers' });
	const allowlist = new FeedAllowlist(config.feedChecks.allow);
	const check: RowCheckContext = { repo, orgs, townships: jurisdiction.townships, bbox: jurisdiction.bbox };
	const registers = new Registers({
		...check,
		openTasks: () => openTasks({ incidents: opts.incidents, registry: opts.registry }),
		probe: (url) => probeFeed(url, { allowlist, timeoutMs: config.feedChecks.timeoutMs })
	});
	const dispatch = new Dispatch({ registers, registry: opts.registry, orgs, userName: opts.userName });
	const cameras = new CameraHealthMonitor({
		registers,
		intervalMs: config.feedChecks.cameraIntervalMs,
		concurrency: config.feedChecks.concurrency,
		log
	});
	return {
		registers,
		dispatch,
		cameras,
		check,
		async start() {
			if (config.identity.demo !== false) {
				const added = await seedDemoRegisters(registers, jurisdiction);
				if (added > 0) log.info({ rows: added }, 'demo register rows seeded');
			}
			cameras.start();
		},
		stop() {
			cameras.stop();
		}
	};
}
