/**
 * The contract every SessionRepository must pass (SQLite now, PostgreSQL later). Cases are keyed
 * ([sessions-N]) so that the runs of several implementations can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Session, SessionRepository } from '../../server/identity/sessions.ts';
import {
	CENTRE,
	newUser,
	type IdentityRepositoriesUnderTest,
	type MakeIdentityRepositories
} from './identity-repositories.ts';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

export function describeSessionRepositoryContract(name: string, make: MakeIdentityRepositories): void {
	describe(`SessionRepository contract: ${name}`, () => {
		let current: IdentityRepositoriesUnderTest | null = null;
		let userA = '';
		let userB = '';
		/** The sessions repository, with two users to hold sessions stored. */
		const open = async (): Promise<SessionRepository> => {
			current = await make();
			const { organisations, users } = current.repositories;
			await organisations.upsertAll([CENTRE]);
			userA = (await users.create(newUser('commander'))).id;
			userB = (await users.create(newUser('water', { role: 'agency' }))).id;
			return current.repositories.sessions;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});
		const session = (id: string, userId: string, over: Partial<Session> = {}): Session => ({
			id,
			userId,
			csrfToken: `csrf-${id}`,
			createdAt: T0,
			issuedAt: T0,
			lastSeenAt: T0,
			expiresAt: T0 + 12 * HOUR,
			revokedAt: null,
			...over
		});

		it('[sessions-1] finds a stored session by id and by its current token hash', async () => {
			const sessions = await open();
			const s = session('ses_a', userA);
			await sessions.insert(s, 'hash-a', '203.0.113.7');
			expect(await sessions.byId('ses_a')).toEqual(s);
			expect(await sessions.byTokenHash('hash-a', T0)).toEqual({ session: s, current: true });
		});

		it('[sessions-2] answers nothing for an unknown id or token hash', async () => {
			const sessions = await open();
			await sessions.insert(session('ses_a', userA), 'hash-a', null);
			expect(await sessions.byId('ses_nobody')).toBeUndefined();
			expect(await sessions.byTokenHash('hash-nobody', T0)).toBeUndefined();
		});

		it('[sessions-3] finds a rotated session by its new hash, and by the previous one only during its grace', async () => {
			const sessions = await open();
			await sessions.insert(session('ses_a', userA), 'hash-1', null);
			await sessions.rotate('ses_a', 'hash-2', 'hash-1', T0 + 2 * HOUR + 30_000, T0 + 2 * HOUR);
			const rotated = session('ses_a', userA, { issuedAt: T0 + 2 * HOUR, lastSeenAt: T0 + 2 * HOUR });
			expect(await sessions.byTokenHash('hash-2', T0 + 2 * HOUR)).toEqual({
				session: rotated,
				current: true
			});
			expect(await sessions.byTokenHash('hash-1', T0 + 2 * HOUR + 29_999)).toEqual({
				session: rotated,
				current: false
			});
			expect(await sessions.byTokenHash('hash-1', T0 + 2 * HOUR + 30_000)).toBeUndefined();
		});

		it('[sessions-4] moves the last activity forward only', async () => {
			const sessions = await open();
			await sessions.insert(session('ses_a', userA), 'hash-a', null);
			await sessions.touch('ses_a', T0 + 5_000);
			await sessions.touch('ses_a', T0 + 1_000);
			expect((await sessions.byId('ses_a'))!.lastSeenAt).toBe(T0 + 5_000);
		});

		it('[sessions-5] ends a session once: a second revocation keeps the first time', async () => {
			const sessions = await open();
			await sessions.insert(session('ses_a', userA), 'hash-a', null);
			await sessions.revoke('ses_a', T0 + 100);
			await sessions.revoke('ses_a', T0 + 200);
			expect((await sessions.byId('ses_a'))!.revokedAt).toBe(T0 + 100);
			// A revoked session is still found by its hash: whoever resolves it sees it has ended.
			expect((await sessions.byTokenHash('hash-a', T0 + 300))!.session.revokedAt).toBe(T0 + 100);
		});

		it('[sessions-6] revokes every open session of one user, and names them', async () => {
			const sessions = await open();
			await sessions.insert(session('ses_1', userA), 'hash-1', null);
			await sessions.insert(session('ses_2', userA), 'hash-2', null);
			await sessions.insert(session('ses_3', userA, { revokedAt: T0 + 1 }), 'hash-3', null);
			await sessions.insert(session('ses_b', userB), 'hash-b', null);
			expect((await sessions.revokeAllOf(userA, T0 + 50)).sort()).toEqual(['ses_1', 'ses_2']);
			expect((await sessions.byId('ses_1'))!.revokedAt).toBe(T0 + 50);
			expect((await sessions.byId('ses_3'))!.revokedAt).toBe(T0 + 1);
			expect((await sessions.byId('ses_b'))!.revokedAt).toBeNull();
			expect(await sessions.revokeAllOf(userA, T0 + 60)).toEqual([]);
		});

		it('[sessions-7] removes the sessions that expired or were revoked before a time, and counts them', async () => {
			const sessions = await open();
			await sessions.insert(session('ses_expired', userA, { expiresAt: T0 + 10 }), 'h1', null);
			await sessions.insert(session('ses_revoked', userA, { revokedAt: T0 + 10 }), 'h2', null);
			await sessions.insert(session('ses_revoked_late', userA, { revokedAt: T0 + 1_000 }), 'h3', null);
			await sessions.insert(session('ses_open', userB), 'h4', null);
			expect(await sessions.deleteEndedBefore(T0 + 500)).toBe(2);
			expect(await sessions.byId('ses_expired')).toBeUndefined();
			expect(await sessions.byId('ses_revoked')).toBeUndefined();
			expect(await sessions.byId('ses_revoked_late')).toBeDefined();
			expect(await sessions.byId('ses_open')).toBeDefined();
			expect(await sessions.deleteEndedBefore(T0 + 500)).toBe(0);
		});
	});
}
