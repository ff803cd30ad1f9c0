/** The registers' service, its dependencies wired, and the demo rows seeded when due. */
import type { Jurisdiction } from '#domain/api/jurisdiction';
import type { Config } from '../config.ts';
import { FeedAllowlist } from '../feeds/allowlist.ts';
import { probeFeed } from '../feeds/playlist-probe.ts';
import type { OrganisationDirectory } from '../identity/organisations.ts';
import type { IncidentRepository } from '../incidents/incident-repository.ts';
import type { Logger } from '../log.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { seedDemoRegisters } from './demo-seed.ts';
import { Registers } from './registers.ts';
import type { RegisterRepository } from './repository.ts';
import type { RowCheckContext } from './row-check.ts';
import { deployedOrganisations } from './team-availability.ts';

export interface RegisterParts {
	registers: Registers;
	check: RowCheckContext;
	start(): Promise<void>;
}

export function setUpRegisters(opts: {
	config: Config;
	repo: RegisterRepository;
	orgs: OrganisationDirectory;
	jurisdiction: Jurisdiction;
	incidents: IncidentRepository;
	registry: RoomRegistry;
	log: Logger;
}): RegisterParts {
	const { config, repo, orgs, jurisdiction } = opts;
	const allowlist = new FeedAllowlist(config.feedChecks.allow);
	const check: RowCheckContext = { repo, orgs, townships: jurisdiction.townships, bbox: jurisdiction.bbox };
	const registers = new Registers({
		...check,
		deployedOrgs: () => deployedOrganisations({ incidents: opts.incidents, registry: opts.registry }),
		probe: (url) => probeFeed(url, { allowlist, timeoutMs: config.feedChecks.timeoutMs })
	});
	return {
		registers,
		check,
		async start() {
			if (config.identity.demo === false) return;
			const added = await seedDemoRegisters(registers, jurisdiction);
			if (added > 0)
				opts.log.child({ module: 'registers' }).info({ rows: added }, 'demo register rows seeded');
		}
	};
}
