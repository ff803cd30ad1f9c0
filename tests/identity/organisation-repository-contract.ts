/**
 * The contract every OrganisationRepository must pass (SQLite now, PostgreSQL later). Cases are
 * keyed ([orgs-N]) so that the runs of several implementations can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SeedOrg } from '../../server/identity/jurisdiction-seed.ts';
import type { OrganisationChange, StoredOrg } from '../../server/identity/organisations.ts';
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

/** As stored: a seeded organisation is active. */
const stored = (o: SeedOrg, active = true): StoredOrg => ({ ...o, active });

const change = (o: StoredOrg, at: number, before: StoredOrg | null = null): OrganisationChange => ({
	orgId: o.id,
	at,
	byUserId: 'u-admin',
	before: before && {
		name: before.name,
		kind: before.kind,
		parentId: before.parentId,
		township: before.township,
		active: before.active
	},
	after: { name: o.name, kind: o.kind, parentId: o.parentId, township: o.township, active: o.active }
});

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
			expect(await orgs.all()).toEqual([CENTRE, TOWNSHIP, late, TEAM].map((o) => stored(o)));
		});

		it('[orgs-3] updates stored organisations in place and keeps those not named again', async () => {
			const orgs = await open();
			await orgs.upsertAll([CENTRE, TOWNSHIP, TEAM]);
			const renamed: SeedOrg = { ...TOWNSHIP, name: '朝天镇', code: null, sort: 5 };
			await orgs.upsertAll([CENTRE, renamed]);
			expect(await orgs.all()).toEqual([CENTRE, TEAM, renamed].map((o) => stored(o)));
		});

		it('[orgs-4] stores nothing for an empty list', async () => {
			const orgs = await open();
			await orgs.upsertAll([]);
			expect(await orgs.all()).toEqual([]);
		});

		it('[orgs-5] saves new and changed organisations whole, with their active flag', async () => {
			const orgs = await open();
			await orgs.upsertAll([CENTRE, TOWNSHIP]);
			const team = stored(TEAM);
			const closed = { ...stored(TOWNSHIP), name: '朝天镇（撤并）', active: false };
			await orgs.save([team, closed], [change(team, 1_000), change(closed, 1_000, stored(TOWNSHIP))]);
			expect(await orgs.all()).toEqual([stored(CENTRE), closed, team]);
		});

		it('[orgs-6] keeps a stored organisation’s active flag when it is seeded again', async () => {
			const orgs = await open();
			await orgs.upsertAll([CENTRE, TOWNSHIP, TEAM]);
			await orgs.save([stored(TEAM, false)], [change(stored(TEAM, false), 1_000, stored(TEAM))]);
			await orgs.upsertAll([CENTRE, TOWNSHIP, TEAM]);
			expect((await orgs.all()).find((o) => o.id === TEAM.id)?.active).toBe(false);
		});

		it('[orgs-7] records changes with who, when, before and after, newest first, per organisation and limited', async () => {
			const orgs = await open();
			const centre = stored(CENTRE);
			const team = stored(TEAM);
			const renamed = { ...team, name: '朝天镇抢险队' };
			await orgs.save([centre, stored(TOWNSHIP)], [change(centre, 1_000)]);
			await orgs.save([team], [change(team, 2_000)]);
			await orgs.save([renamed], [change(renamed, 3_000, team)]);
			const all = await orgs.changes();
			expect(all.map((c) => [c.orgId, c.at])).toEqual([
				[TEAM.id, 3_000],
				[TEAM.id, 2_000],
				[CENTRE.id, 1_000]
			]);
			expect(all[0]).toMatchObject({
				byUserId: 'u-admin',
				before: { name: TEAM.name, active: true },
				after: { name: '朝天镇抢险队', parentId: TOWNSHIP.id, township: '510812100' }
			});
			expect(all[2]!.before).toBeNull();
			expect(all[0]!.seq).toBeGreaterThan(all[1]!.seq);
			expect((await orgs.changes({ orgId: CENTRE.id })).map((c) => c.at)).toEqual([1_000]);
			expect((await orgs.changes({ limit: 1 })).map((c) => c.at)).toEqual([3_000]);
		});

		it('[orgs-8] writes nothing of a save that fails', async () => {
			const orgs = await open();
			await orgs.upsertAll([CENTRE]);
			// A parent that does not exist breaks the foreign key: neither the row nor its record stays.
			const orphan = { ...stored(TEAM), parentId: 'no-such-parent' };
			await expect(orgs.save([orphan], [change(orphan, 1_000)])).rejects.toThrow();
			expect((await orgs.all()).map((o) => o.id)).toEqual([CENTRE.id]);
			expect(await orgs.changes()).toEqual([]);
		});
	});
}
