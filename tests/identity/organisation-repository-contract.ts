/**
 * The contract every OrganisationRepository must pass (SQLite now, PostgreSQL later). Cases are
 * keyed ([orgs-N]) so that the runs of several implementations can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SeedOrg } from '../../server/identity/jurisdiction-seed.ts';
import type { IdentityRepositories } from '../../server/identity/repositories.ts';
import {
	CENTRE,
	TOWNSHIP,
	type IdentityRepositoriesUnderTest,
	type MakeIdentityRepositories
} from './identity-repositories.ts';

const TEAM: SeedOrg = {
	id: 'team-510812100',
	name: '朝天镇应急分队',
	kind: 'team',
	parentId: TOWNSHIP.id,
	township: '510812100',
	code: null,
	sort: 2
};

export function describeOrganisationRepositoryContract(name: string, make: MakeIdentityRepositories): void {
	describe(`OrganisationRepository contract: ${name}`, () => {
		let current: IdentityRepositoriesUnderTest | null = null;
		const open = async (): Promise<IdentityRepositories['organisations']> => {
			current = await make();
			return current.repositories.organisations;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[orgs-1] holds no organisations before any are stored', async () => {
			const orgs = await open();
			expect(await orgs.all()).toEqual([]);
		});

		it('[orgs-2] returns stored organisations whole, by their order and then id', async () => {
			const orgs = await open();
			const late: SeedOrg = { ...TEAM, id: 'a-late', sort: 2 };
			await orgs.upsertAll([CENTRE, TOWNSHIP, TEAM, late]);
			expect(await orgs.all()).toEqual([CENTRE, TOWNSHIP, late, TEAM]);
		});

		it('[orgs-3] updates stored organisations in place and keeps those not named again', async () => {
			const orgs = await open();
			await orgs.upsertAll([CENTRE, TOWNSHIP, TEAM]);
			const renamed: SeedOrg = { ...TOWNSHIP, name: '朝天镇', code: null, sort: 5 };
			await orgs.upsertAll([CENTRE, renamed]);
			expect(await orgs.all()).toEqual([CENTRE, TEAM, renamed]);
		});

		it('[orgs-4] stores nothing for an empty list', async () => {
			const orgs = await open();
			await orgs.upsertAll([]);
			expect(await orgs.all()).toEqual([]);
		});
	});
}
