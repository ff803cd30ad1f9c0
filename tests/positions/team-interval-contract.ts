/**
 * The contract every TeamIntervalRepository must pass (SQLite and PostgreSQL), keyed
 * ([team-interval-N]) so the runs of the two engines read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TeamIntervalRepository } from '../../server/positions/team-interval-repository.ts';

export interface TeamIntervalRepositoryUnderTest {
	repo: TeamIntervalRepository;
	dispose(): Promise<void>;
}

const T0 = Date.parse('2026-07-12T03:00:00Z');

export function describeTeamIntervalContract(
	name: string,
	make: () => Promise<TeamIntervalRepositoryUnderTest>
): void {
	describe(`TeamIntervalRepository contract: ${name}`, () => {
		let current: TeamIntervalRepositoryUnderTest | null = null;
		const open = async (): Promise<TeamIntervalRepository> => {
			current = await make();
			return current.repo;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[team-interval-1] knows no interval in an empty repository', async () => {
			const repo = await open();
			expect(await repo.get('org-team-a')).toBeNull();
			expect(await repo.all()).toEqual([]);
		});

		it('[team-interval-2] keeps one interval per team, the latest choice with who and when', async () => {
			const repo = await open();
			await repo.set({ orgId: 'org-team-b', intervalMs: 300_000, setBy: 'u-cmd', setAt: T0 });
			await repo.set({ orgId: 'org-team-a', intervalMs: 60_000, setBy: 'u-town', setAt: T0 + 1 });
			await repo.set({ orgId: 'org-team-b', intervalMs: 10_000, setBy: 'u-town', setAt: T0 + 2 });
			expect(await repo.get('org-team-b')).toEqual({
				orgId: 'org-team-b',
				intervalMs: 10_000,
				setBy: 'u-town',
				setAt: T0 + 2
			});
			expect(await repo.all()).toEqual([
				{ orgId: 'org-team-a', intervalMs: 60_000, setBy: 'u-town', setAt: T0 + 1 },
				{ orgId: 'org-team-b', intervalMs: 10_000, setBy: 'u-town', setAt: T0 + 2 }
			]);
		});
	});
}
