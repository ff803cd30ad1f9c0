/**
 * The contract every DutyRepository must pass (SQLite and PostgreSQL). Cases are keyed
 * ([duty-N]) so that the runs of several implementations read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DutyRepository, ShiftRow } from '../../server/duty/duty-repository.ts';

export interface DutyRepositoryUnderTest {
	repo: DutyRepository;
	dispose(): Promise<void>;
}
export type MakeDutyRepository = () => Promise<DutyRepositoryUnderTest>;

const H = 3_600_000;
const T0 = Date.parse('2026-07-01T00:00:00+08:00');

function shift(id: string, startH: number, endH: number, orgId = 'twp-a'): ShiftRow {
	return {
		id,
		orgId,
		startsAt: T0 + startH * H,
		endsAt: T0 + endH * H,
		officerName: `值班员${id}`,
		officerPhone: '13800000000',
		leaderName: `带班${id}`,
		leaderPhone: '13900000000',
		note: ''
	};
}

export function describeDutyRepositoryContract(name: string, make: MakeDutyRepository): void {
	describe(`DutyRepository contract: ${name}`, () => {
		let current: DutyRepositoryUnderTest | null = null;
		const open = async () => {
			current = await make();
			return current.repo;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[duty-1] who is on duty at a time, across a shift boundary (start inclusive, end exclusive)', async () => {
			const repo = await open();
			expect(await repo.addShift(shift('day', 8, 20), 'u')).toEqual({ ok: true });
			expect(await repo.addShift(shift('night', 20, 32), 'u')).toEqual({ ok: true });
			expect((await repo.onDutyAt('twp-a', T0 + 20 * H - 1))?.id).toBe('day');
			expect((await repo.onDutyAt('twp-a', T0 + 20 * H))?.id).toBe('night');
			expect((await repo.onDutyAt('twp-a', T0 + 31 * H))?.id).toBe('night');
			expect(await repo.onDutyAt('twp-a', T0 + 32 * H)).toBeUndefined();
			expect(await repo.onDutyAt('twp-b', T0 + 10 * H)).toBeUndefined();
		});

		it('[duty-2] refuses an overlapping shift of the same organisation, names the clash; others are separate', async () => {
			const repo = await open();
			await repo.addShift(shift('day', 8, 20), 'u');
			const r = await repo.addShift(shift('x', 19, 21), 'u');
			expect(r.ok).toBe(false);
			expect(!r.ok && r.overlaps.id).toBe('day');
			expect(await repo.addShift(shift('y', 8, 20, 'twp-b'), 'u')).toEqual({ ok: true });
			expect((await repo.shifts('twp-a', T0, T0 + 48 * H)).map((s) => s.id)).toEqual(['day']);
		});

		it('[duty-3] replaces a range of shifts all at once and lists in order; removes one', async () => {
			const repo = await open();
			await repo.addShift(shift('old', 8, 20), 'u');
			await repo.addShift(shift('keep', 24 * 40, 24 * 40 + 12), 'u');
			await repo.replaceShifts('twp-a', T0, T0 + 24 * 31 * H, [shift('n2', 20, 32), shift('n1', 8, 20)], 'u');
			expect((await repo.shifts('twp-a', T0, T0 + 24 * 50 * H)).map((s) => s.id)).toEqual([
				'n1',
				'n2',
				'keep'
			]);
			expect(await repo.removeShift('twp-a', 'n1')).toBe(true);
			expect(await repo.removeShift('twp-a', 'n1')).toBe(false);
			expect(await repo.removeShift('twp-b', 'n2')).toBe(false);
		});

		it('[duty-4] a handover is written, confirmed once, and listed newest first', async () => {
			const repo = await open();
			const h = {
				id: 'h1',
				orgId: 'twp-a',
				outgoingName: '张三',
				incomingName: '李四',
				openWarnings: '暴雨红色预警未解除',
				openTasks: '',
				watch: '河道水位',
				writtenAt: T0,
				writtenBy: 'u1',
				confirmedAt: null,
				confirmedBy: null
			};
			await repo.addHandover(h);
			await repo.addHandover({ ...h, id: 'h2', writtenAt: T0 + H });
			const c = await repo.confirmHandover('twp-a', 'h1', 'u2', T0 + 2 * H);
			expect(c).toEqual({ row: { ...h, confirmedAt: T0 + 2 * H, confirmedBy: 'u2' }, confirmedNow: true });
			const again = await repo.confirmHandover('twp-a', 'h1', 'u3', T0 + 3 * H);
			expect(again).toEqual({
				row: { ...h, confirmedAt: T0 + 2 * H, confirmedBy: 'u2' },
				confirmedNow: false
			});
			expect(await repo.confirmHandover('twp-b', 'h1', 'u3', T0)).toBeUndefined();
			expect((await repo.handovers('twp-a', 10)).map((x) => x.id)).toEqual(['h2', 'h1']);
		});
		it('[duty-5] of two overlapping shifts added at once, one is kept', async () => {
			const repo = await open();
			const results = await Promise.all([
				repo.addShift(shift('a', 8, 20), 'u'),
				repo.addShift(shift('b', 12, 24), 'u'),
				repo.addShift(shift('c', 19, 30), 'u')
			]);
			const kept = await repo.shifts('twp-a', T0, T0 + 48 * H);
			for (let i = 0; i < kept.length - 1; i++)
				expect(kept[i]!.endsAt).toBeLessThanOrEqual(kept[i + 1]!.startsAt);
			expect(results.filter((r) => r.ok)).toHaveLength(kept.length);
			expect(kept.length).toBeGreaterThanOrEqual(1);
		});
		it('[duty-6] who is on duty everywhere at a time: one shift per organisation', async () => {
			const repo = await open();
			await repo.addShift(shift('a-day', 8, 20), 'u');
			await repo.addShift(shift('a-night', 20, 32), 'u');
			await repo.addShift(shift('b-day', 8, 20, 'twp-b'), 'u');
			await repo.addShift(shift('c-later', 30, 40, 'twp-c'), 'u');
			expect((await repo.onDutyEverywhere(T0 + 10 * H)).map((s) => [s.orgId, s.id])).toEqual([
				['twp-a', 'a-day'],
				['twp-b', 'b-day']
			]);
			expect((await repo.onDutyEverywhere(T0 + 20 * H)).map((s) => s.id)).toEqual(['a-night']);
			expect(await repo.onDutyEverywhere(T0 + 50 * H)).toEqual([]);
		});
	});
}
