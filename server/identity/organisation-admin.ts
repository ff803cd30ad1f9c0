/**
 * Administrators change the organisation tree: a new department or team, a rename, a move under
 * another parent, a deactivation or reactivation. Each change is checked against the table as it
 * stands (organisation-changes.ts), stored with its record (who, when, before and after) in one
 * write, and held by the directory at once, so the permission guard judges the next update with
 * it: a team created now can be given a task in an open room without a restart.
 *
 * People whose organisation's township changed are disconnected to reconnect: a connection carries
 * its user's township from when it was made, and the policy decides with it.
 */
import type { NewOrganisation, OrganisationChanges } from '#domain/api/organisations';
import { Close } from '#domain/protocol';
import type { Logger } from '../log.ts';
import type { LiveConnections } from './live-connections.ts';
import { planNewOrganisation, planOrganisationChange, type PlannedChange } from './organisation-changes.ts';
import {
	stateOf,
	type OrganisationChange,
	type OrganisationDirectory,
	type StoredOrg
} from './organisations.ts';
import type { SeedOrg } from './jurisdiction-seed.ts';
import type { UserRepository } from './users.ts';

/**
 * Stores the seed's organisations that are not stored yet, recorded as made by the server. Once
 * stored, an organisation is the administrators' to change: a restart does not undo a rename or a
 * move by seeding it again. Returns how many it stored.
 */
export function seedMissingOrganisations(
	orgs: OrganisationDirectory,
	seed: readonly SeedOrg[],
	now = Date.now()
): Promise<number> {
	return orgs.change((table) => {
		const rows: StoredOrg[] = seed.filter((o) => !table.has(o.id)).map((o) => ({ ...o, active: true }));
		const changes: OrganisationChange[] = rows.map((o) => ({
			orgId: o.id,
			at: now,
			byUserId: null,
			before: null,
			after: stateOf(o)
		}));
		return { rows, changes, result: rows.length };
	});
}

export class OrganisationAdmin {
	constructor(
		private readonly orgs: OrganisationDirectory,
		private readonly users: UserRepository,
		private readonly connections: LiveConnections,
		private readonly log: Logger
	) {}

	async create(input: NewOrganisation, byUserId: string): Promise<StoredOrg> {
		const planned = await this.#apply((table) =>
			planNewOrganisation(table, input, { userId: byUserId, at: Date.now() })
		);
		this.log.info({ org: planned.organisation.id, by: byUserId, kind: input.kind }, 'organisation created');
		return planned.organisation;
	}

	async change(id: string, changes: OrganisationChanges, byUserId: string): Promise<StoredOrg> {
		// Counted before the change is planned, outside the directory's queue: the user repository is
		// async. A user joining the organisation in between is the race of any two administrators.
		const users = (await this.users.list()).filter((u) => u.active);
		const activeUsersOf = (orgId: string) => users.filter((u) => u.orgId === orgId).length;
		const planned = await this.#apply((table) =>
			planOrganisationChange(table, id, changes, { userId: byUserId, at: Date.now() }, activeUsersOf)
		);
		if (planned.changes.length > 0)
			this.log.info({ org: id, by: byUserId, changes: Object.keys(changes) }, 'organisation changed');
		const moved = new Set(planned.townshipChanged);
		for (const u of users) {
			if (moved.has(u.orgId))
				this.connections.closeUser(u.id, Close.SessionExpired, 'your organisation moved; reconnect');
		}
		return planned.organisation;
	}

	#apply(plan: (table: ReadonlyMap<string, StoredOrg>) => PlannedChange): Promise<PlannedChange> {
		return this.orgs.change((table) => {
			const planned = plan(table);
			return { rows: planned.rows, changes: planned.changes, result: planned };
		});
	}
}
