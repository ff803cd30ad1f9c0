/**
 * What identity's repository contracts run on: a fresh, empty set of repositories (the four share
 * one database, as users name organisations and sessions name users) and a `dispose` that removes
 * whatever it created; plus the organisations and users the cases start from.
 */
import type { SeedOrg } from '../../server/identity/jurisdiction-seed.ts';
import type { IdentityRepositories } from '../../server/identity/repositories.ts';
import type { NewUserRecord } from '../../server/identity/users.ts';

export interface IdentityRepositoriesUnderTest {
	repositories: IdentityRepositories;
	dispose(): Promise<void>;
}

export type MakeIdentityRepositories = () => Promise<IdentityRepositoriesUnderTest>;

export const CENTRE: SeedOrg = {
	id: 'command-centre',
	name: '朝天区应急指挥中心',
	kind: 'command_centre',
	parentId: null,
	township: null,
	code: null,
	sort: 0
};
export const TOWNSHIP: SeedOrg = {
	id: 'township-510812100',
	name: '朝天镇指挥分平台',
	kind: 'township',
	parentId: 'command-centre',
	township: '510812100',
	code: '510812100',
	sort: 1
};

export function newUser(username: string, over: Partial<NewUserRecord> = {}): NewUserRecord {
	return {
		username,
		displayName: `名字 ${username}`,
		orgId: CENTRE.id,
		role: 'commander',
		passwordHash: `scrypt$hash-of-${username}`,
		...over
	};
}
