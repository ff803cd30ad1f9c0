/**
 * The contract every UserRepository must pass (SQLite now, PostgreSQL later). Cases are keyed
 * ([users-N]) so that the runs of several implementations can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UsernameTakenError, type UserRepository } from '../../server/identity/users.ts';
import {
	CENTRE,
	newUser,
	TOWNSHIP,
	type IdentityRepositoriesUnderTest,
	type MakeIdentityRepositories
} from './identity-repositories.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function describeUserRepositoryContract(name: string, make: MakeIdentityRepositories): void {
	describe(`UserRepository contract: ${name}`, () => {
		let current: IdentityRepositoriesUnderTest | null = null;
		/** The users repository, with the organisations users belong to stored. */
		const open = async (): Promise<UserRepository> => {
			current = await make();
			await current.repositories.organisations.upsertAll([CENTRE, TOWNSHIP]);
			return current.repositories.users;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[users-1] creates an active user under a new uuid, with the time it was made', async () => {
			const users = await open();
			const before = Date.now();
			const u = await users.create(newUser('commander'));
			expect(u).toEqual({
				id: expect.stringMatching(UUID),
				username: 'commander',
				displayName: '名字 commander',
				orgId: CENTRE.id,
				role: 'commander',
				active: true,
				demo: false,
				createdAt: u.createdAt,
				updatedAt: u.createdAt
			});
			expect(u.createdAt).toBeGreaterThanOrEqual(before);
			expect(u.createdAt).toBeLessThanOrEqual(Date.now());
			expect((await users.create(newUser('water'))).id).not.toBe(u.id);
		});

		it('[users-2] finds a user by id and by username, whatever the case of the username', async () => {
			const users = await open();
			const u = await users.create(newUser('Field1'));
			expect(await users.byId(u.id)).toEqual(u);
			expect(await users.byUsername('Field1')).toEqual(u);
			expect(await users.byUsername('field1')).toEqual(u);
			expect(await users.byUsername('FIELD1')).toEqual(u);
		});

		it('[users-3] refuses a second user with the same username, in any case', async () => {
			const users = await open();
			await users.create(newUser('leader'));
			await expect(users.create(newUser('leader'))).rejects.toBeInstanceOf(UsernameTakenError);
			await expect(users.create(newUser('LEADER', { role: 'viewer' }))).rejects.toBeInstanceOf(
				UsernameTakenError
			);
			expect(await users.count()).toBe(1);
		});

		it('[users-4] answers nothing for an unknown id or username', async () => {
			const users = await open();
			expect(await users.byId('5f0c4b9e-0000-4000-8000-000000000000')).toBeUndefined();
			expect(await users.byUsername('nobody')).toBeUndefined();
			expect(await users.passwordHashOf('5f0c4b9e-0000-4000-8000-000000000000')).toBeUndefined();
		});

		it('[users-5] gives a password hash only through passwordHashOf, and replaces it', async () => {
			const users = await open();
			const u = await users.create(newUser('admin', { role: 'admin', passwordHash: 'scrypt$one' }));
			expect(JSON.stringify(u)).not.toContain('scrypt$one');
			expect(await users.passwordHashOf(u.id)).toBe('scrypt$one');
			await users.setPasswordHash(u.id, 'scrypt$two');
			expect(await users.passwordHashOf(u.id)).toBe('scrypt$two');
			expect((await users.byId(u.id))!.updatedAt).toBeGreaterThanOrEqual(u.updatedAt);
		});

		it('[users-6] marks the accounts demo mode made', async () => {
			const users = await open();
			expect((await users.create(newUser('datan', { demo: true }))).demo).toBe(true);
			expect((await users.create(newUser('real', { demo: false }))).demo).toBe(false);
		});

		it('[users-7] lists every user by username, and counts them', async () => {
			const users = await open();
			for (const name of ['water', 'admin', 'leader']) await users.create(newUser(name));
			expect((await users.list()).map((u) => u.username)).toEqual(['admin', 'leader', 'water']);
			expect(await users.count()).toBe(3);
		});

		it('[users-8] counts only the active administrators', async () => {
			const users = await open();
			expect(await users.countActiveAdmins()).toBe(0);
			const a = await users.create(newUser('admin', { role: 'admin' }));
			await users.create(newUser('admin2', { role: 'admin' }));
			await users.create(newUser('commander'));
			expect(await users.countActiveAdmins()).toBe(2);
			await users.update(a.id, { active: false });
			expect(await users.countActiveAdmins()).toBe(1);
		});

		it('[users-9] changes only the fields given, and answers the user as changed', async () => {
			const users = await open();
			const u = await users.create(newUser('chaotian', { role: 'township', orgId: CENTRE.id }));
			const changed = await users.update(u.id, { orgId: TOWNSHIP.id, displayName: '朝天镇值班员' });
			expect(changed).toEqual({
				...u,
				orgId: TOWNSHIP.id,
				displayName: '朝天镇值班员',
				updatedAt: changed!.updatedAt
			});
			expect(changed!.updatedAt).toBeGreaterThanOrEqual(u.updatedAt);
			expect(await users.update(u.id, { role: 'viewer', active: false })).toMatchObject({
				role: 'viewer',
				active: false,
				orgId: TOWNSHIP.id,
				displayName: '朝天镇值班员'
			});
			expect(await users.byId(u.id)).toMatchObject({ role: 'viewer', active: false });
		});

		it('[users-10] changes nothing for an unknown id', async () => {
			const users = await open();
			await users.create(newUser('commander'));
			expect(await users.update('5f0c4b9e-0000-4000-8000-000000000000', { active: false })).toBeUndefined();
			expect((await users.list()).map((u) => u.active)).toEqual([true]);
		});
	});
}
