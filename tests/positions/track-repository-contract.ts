/**
 * The contract every TrackRepository must pass (SQLite and PostgreSQL). Call
 * `describeTrackRepositoryContract(name, make)` from a test file; `make` returns a fresh, empty
 * repository and a `dispose`. Cases are keyed ([tracks-N]) so that the runs of the two engines
 * read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredFix, TrackRepository } from '../../server/positions/track-repository.ts';

export interface TrackRepositoryUnderTest {
	repo: TrackRepository;
	dispose(): Promise<void>;
}

const T0 = Date.parse('2026-07-12T03:00:00Z');
const MIN = 60_000;

const fix = (userId: string, minute: number, over: Partial<StoredFix> = {}): StoredFix => ({
	incidentId: 'inc-a',
	userId,
	orgId: `team-of-${userId}`,
	at: T0 + minute * MIN,
	lon: 105.9 + minute / 1000,
	lat: 32.6 + minute / 1000,
	accuracy: minute % 2 === 0 ? 8.5 : null,
	receivedAt: T0 + 120 * MIN,
	...over
});

const all = { since: T0 - 1000 * MIN, until: T0 + 1000 * MIN, limit: 1000 };

export function describeTrackRepositoryContract(
	name: string,
	make: () => Promise<TrackRepositoryUnderTest>
): void {
	describe(`TrackRepository contract: ${name}`, () => {
		let current: TrackRepositoryUnderTest | null = null;
		const open = async (): Promise<TrackRepository> => {
			current = await make();
			return current.repo;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[tracks-1] knows no fix in an empty repository', async () => {
			const repo = await open();
			expect(await repo.window('inc-a', all)).toEqual([]);
			expect(await repo.add([])).toEqual({ stored: 0 });
		});

		it('[tracks-2] returns the fixes as stored, by user and then oldest first, within their incident', async () => {
			const repo = await open();
			const fixes = [
				fix('u-b', 2),
				fix('u-a', 3),
				fix('u-a', 1),
				fix('u-b', 0),
				fix('u-a', 2, { incidentId: 'inc-b' })
			];
			expect(await repo.add(fixes)).toEqual({ stored: 5 });
			expect(await repo.window('inc-a', all)).toEqual([
				fix('u-a', 1),
				fix('u-a', 3),
				fix('u-b', 0),
				fix('u-b', 2)
			]);
			expect(await repo.window('inc-b', all)).toEqual([fix('u-a', 2, { incidentId: 'inc-b' })]);
		});

		it('[tracks-3] stores a fix once: the same incident, user and device time again changes nothing', async () => {
			const repo = await open();
			expect(await repo.add([fix('u-a', 1), fix('u-a', 2)])).toEqual({ stored: 2 });
			const again = await repo.add([fix('u-a', 2, { lon: 100, receivedAt: T0 + 500 * MIN }), fix('u-a', 3)]);
			expect(again).toEqual({ stored: 1 });
			expect(await repo.window('inc-a', all)).toEqual([fix('u-a', 1), fix('u-a', 2), fix('u-a', 3)]);
			// The same time twice within one batch: one stored.
			expect(await repo.add([fix('u-a', 9), fix('u-a', 9)])).toEqual({ stored: 1 });
		});

		it('[tracks-4] reads a window of device times, bounds included, and one person’s fixes', async () => {
			const repo = await open();
			await repo.add([0, 1, 2, 3, 4].flatMap((m) => [fix('u-a', m), fix('u-b', m)]));
			const w = { since: T0 + MIN, until: T0 + 3 * MIN, limit: 100 };
			expect((await repo.window('inc-a', w)).map((f) => `${f.userId}@${(f.at - T0) / MIN}`)).toEqual([
				'u-a@1',
				'u-a@2',
				'u-a@3',
				'u-b@1',
				'u-b@2',
				'u-b@3'
			]);
			expect((await repo.window('inc-a', { ...w, userId: 'u-b' })).map((f) => (f.at - T0) / MIN)).toEqual([
				1, 2, 3
			]);
		});

		it('[tracks-5] keeps the newest fixes of the window when it holds more than the limit', async () => {
			const repo = await open();
			await repo.add([fix('u-a', 0), fix('u-b', 1), fix('u-a', 2), fix('u-b', 3), fix('u-a', 4)]);
			const newest = await repo.window('inc-a', { ...all, limit: 3 });
			expect(newest.map((f) => `${f.userId}@${(f.at - T0) / MIN}`)).toEqual(['u-a@2', 'u-a@4', 'u-b@3']);
			const own = await repo.window('inc-a', { ...all, userId: 'u-a', limit: 2 });
			expect(own.map((f) => (f.at - T0) / MIN)).toEqual([2, 4]);
		});

		it('[tracks-6] stores a large batch in one call', async () => {
			const repo = await open();
			const many = Array.from({ length: 1000 }, (_, i) => fix('u-a', i));
			expect(await repo.add(many)).toEqual({ stored: 1000 });
			expect(await repo.window('inc-a', { since: T0, until: T0 + 2000 * MIN, limit: 5000 })).toHaveLength(
				1000
			);
		});

		it('[tracks-7] purges the fixes older than a time, of every incident, at most a batch at a time', async () => {
			const repo = await open();
			await repo.add([
				...[0, 1, 2, 3, 4].map((m) => fix('u-a', m)),
				fix('u-b', 1, { incidentId: 'inc-b' }),
				fix('u-b', 5, { incidentId: 'inc-b' })
			]);
			// Before minute 3: minutes 0, 1, 2 of u-a and minute 1 of inc-b (4 fixes), 3 at most per call.
			expect(await repo.purgeBefore(T0 + 3 * MIN, 3)).toBe(3);
			expect(await repo.purgeBefore(T0 + 3 * MIN, 3)).toBe(1);
			expect(await repo.purgeBefore(T0 + 3 * MIN, 3)).toBe(0);
			expect((await repo.window('inc-a', all)).map((f) => (f.at - T0) / MIN)).toEqual([3, 4]);
			expect((await repo.window('inc-b', all)).map((f) => (f.at - T0) / MIN)).toEqual([5]);
			// The bound is exclusive: a fix exactly at it stays.
			expect(await repo.purgeBefore(T0 + 3 * MIN, 100)).toBe(0);
		});
	});
}
