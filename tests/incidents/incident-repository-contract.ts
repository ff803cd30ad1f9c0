/**
 * The contract every IncidentRepository must pass (SQLite now, PostgreSQL later). Call
 * `describeIncidentRepositoryContract(name, make)` from a test file; `make` returns a fresh, empty
 * repository and a `dispose` that removes whatever it created. Cases are keyed ([incidents-N] for
 * the index, [viewers-N] for sharing with viewers) so that the runs of several implementations
 * can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentRepository, IndexedMeta } from '../../server/incidents/incident-repository.ts';

export interface IncidentRepositoryUnderTest {
	repo: IncidentRepository;
	dispose(): Promise<void>;
}

const T0 = Date.parse('2026-03-02T06:30:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const meta = (over: Partial<IndexedMeta> = {}): IndexedMeta => ({
	name: '羊木镇森林火灾',
	type: 'forest_fire',
	severity: 'general',
	level: 'IV',
	status: 'active',
	townships: ['510812102'],
	location: [105.7786, 32.5978],
	occurredAt: '2026-03-02T14:20:00+08:00',
	...over
});
const commander = { userId: 'u-cmd', orgId: 'command-centre' };

export function describeIncidentRepositoryContract(
	name: string,
	make: () => Promise<IncidentRepositoryUnderTest>
): void {
	describe(`IncidentRepository contract: ${name}`, () => {
		let current: IncidentRepositoryUnderTest | null = null;
		const open = async (): Promise<IncidentRepository> => {
			current = await make();
			return current.repo;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[incidents-1] knows no incident in an empty index', async () => {
			const repo = await open();
			expect(await repo.exists('inc-a')).toBe(false);
			expect(await repo.get('inc-a')).toBeUndefined();
			expect(await repo.count()).toBe(0);
			expect(await repo.ids()).toEqual([]);
			expect(await repo.list()).toEqual([]);
		});

		it('[incidents-2] reads an inserted incident back as its summary, with who opened it and when', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			expect(await repo.exists('inc-a')).toBe(true);
			expect(await repo.get('inc-a')).toEqual({
				id: 'inc-a',
				...meta(),
				createdBy: 'u-cmd',
				createdOrgId: 'command-centre',
				createdAt: iso(T0),
				updatedAt: iso(T0),
				closedAt: null
			});
			await repo.insert('inc-b', meta({ location: null, townships: [] }), { userId: null, orgId: null }, T0);
			expect(await repo.get('inc-b')).toMatchObject({
				location: null,
				townships: [],
				createdBy: null,
				createdOrgId: null
			});
			expect(await repo.count()).toBe(2);
			expect((await repo.ids()).sort()).toEqual(['inc-a', 'inc-b']);
		});

		it('[incidents-3] records when an incident inserted closed was closed', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta({ status: 'closed' }), commander, T0);
			expect((await repo.get('inc-a'))!.closedAt).toBe(iso(T0));
		});

		it('[incidents-4] removes an incident, and its viewers with it', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			await repo.insert('inc-b', meta(), commander, T0);
			await repo.grantViewer('inc-a', 'u-leader', 'u-cmd', T0);
			await repo.remove('inc-a');
			expect(await repo.exists('inc-a')).toBe(false);
			expect(await repo.get('inc-a')).toBeUndefined();
			expect(await repo.isViewerOf('inc-a', 'u-leader')).toBe(false);
			expect(await repo.viewersOf('inc-a')).toEqual([]);
			expect(await repo.ids()).toEqual(['inc-b']);
			await repo.remove('inc-nobody');
			expect(await repo.count()).toBe(1);
		});

		it('[incidents-5] updates a row to the document’s meta, and says whether anything changed', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			expect(await repo.update('inc-a', meta(), T0 + 1_000)).toBe(false);
			expect((await repo.get('inc-a'))!.updatedAt).toBe(iso(T0));
			const raised = meta({ level: 'II', severity: 'major', townships: ['510812100', '510812102'] });
			expect(await repo.update('inc-a', raised, T0 + 2_000)).toBe(true);
			expect(await repo.get('inc-a')).toMatchObject({
				...raised,
				createdAt: iso(T0),
				updatedAt: iso(T0 + 2_000)
			});
			expect(await repo.update('inc-a', meta({ location: null }), T0 + 3_000)).toBe(true);
			expect((await repo.get('inc-a'))!.location).toBeNull();
		});

		it('[incidents-6] creates no row when updating an incident it does not hold', async () => {
			const repo = await open();
			expect(await repo.update('inc-nobody', meta(), T0)).toBe(false);
			expect(await repo.exists('inc-nobody')).toBe(false);
		});

		it('[incidents-7] keeps the first closing time while closed, and clears it when reopened', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			await repo.update('inc-a', meta({ status: 'closed' }), T0 + 1_000);
			expect((await repo.get('inc-a'))!.closedAt).toBe(iso(T0 + 1_000));
			await repo.update('inc-a', meta({ status: 'closed', level: 'III' }), T0 + 2_000);
			expect((await repo.get('inc-a'))!.closedAt).toBe(iso(T0 + 1_000));
			await repo.update('inc-a', meta({ status: 'active', level: 'III' }), T0 + 3_000);
			expect((await repo.get('inc-a'))!.closedAt).toBeNull();
		});

		it('[incidents-8] lists open incidents before closed ones, newest occurrence first, then by id', async () => {
			const repo = await open();
			await repo.insert('inc-c', meta({ occurredAt: '2026-03-01T08:00:00+08:00' }), commander, T0);
			await repo.insert('inc-b', meta({ occurredAt: '2026-03-02T08:00:00+08:00' }), commander, T0);
			await repo.insert('inc-a', meta({ occurredAt: '2026-03-02T08:00:00+08:00' }), commander, T0);
			await repo.insert(
				'inc-closed',
				meta({ status: 'closed', occurredAt: '2026-03-03T08:00:00+08:00' }),
				commander,
				T0
			);
			expect((await repo.list()).map((i) => i.id)).toEqual(['inc-a', 'inc-b', 'inc-c', 'inc-closed']);
		});

		it('[incidents-9] pages the list with limit and offset, 200 at most unless told', async () => {
			const repo = await open();
			for (let i = 0; i < 205; i++) {
				const day = String(1 + (i % 28)).padStart(2, '0');
				await repo.insert(
					`inc-${String(i).padStart(3, '0')}`,
					meta({ occurredAt: `2026-02-${day}T08:00:00+08:00` }),
					commander,
					T0
				);
			}
			const all = await repo.list({ limit: 500 });
			expect(all).toHaveLength(205);
			expect(await repo.list()).toHaveLength(200);
			expect((await repo.list({ limit: 3, offset: 2 })).map((i) => i.id)).toEqual(
				all.slice(2, 5).map((i) => i.id)
			);
			expect(await repo.list({ limit: 10, offset: 205 })).toEqual([]);
		});

		it('[incidents-10] filters the list by status, type, severity and township', async () => {
			const repo = await open();
			await repo.insert('inc-fire', meta(), commander, T0);
			await repo.insert(
				'inc-flood',
				meta({ type: 'flood', severity: 'major', townships: ['510812100', '510812101'] }),
				commander,
				T0
			);
			await repo.insert('inc-old', meta({ type: 'flood', status: 'closed', townships: [] }), commander, T0);
			const ids = async (f: Parameters<IncidentRepository['list']>[0]): Promise<string[]> =>
				(await repo.list(f)).map((i) => i.id).sort();
			expect(await ids({ status: 'closed' })).toEqual(['inc-old']);
			expect(await ids({ type: 'flood' })).toEqual(['inc-flood', 'inc-old']);
			expect(await ids({ severity: 'major' })).toEqual(['inc-flood']);
			expect(await ids({ township: '510812101' })).toEqual(['inc-flood']);
			expect(await ids({ township: '510812102' })).toEqual(['inc-fire']);
			expect(await ids({ type: 'flood', status: 'active' })).toEqual(['inc-flood']);
		});

		it('[incidents-11] filters by township as the townships stand after an update', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta({ townships: ['510812102'] }), commander, T0);
			await repo.update('inc-a', meta({ townships: ['510812100'] }), T0 + 1);
			expect(await repo.list({ township: '510812102' })).toEqual([]);
			expect((await repo.list({ township: '510812100' })).map((i) => i.id)).toEqual(['inc-a']);
		});

		it('[incidents-12] finds a name by a part of it, ignoring the case of Latin letters', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta({ name: 'G5京昆高速 K1234 段塌方' }), commander, T0);
			await repo.insert('inc-b', meta({ name: '沙河镇滑坡' }), commander, T0);
			const ids = async (q: string): Promise<string[]> => (await repo.list({ q })).map((i) => i.id);
			expect(await ids('k1234')).toEqual(['inc-a']);
			expect(await ids('g5京昆')).toEqual(['inc-a']);
			expect(await ids('滑坡')).toEqual(['inc-b']);
			expect(await ids('%')).toEqual([]);
			expect(await ids('_')).toEqual([]);
		});

		it('[viewers-1] shares an incident with a viewer, and lists the grants oldest first', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			await repo.grantViewer('inc-a', 'u-leader2', 'u-cmd', T0 + 2_000);
			await repo.grantViewer('inc-a', 'u-leader', null, T0 + 1_000);
			expect(await repo.isViewerOf('inc-a', 'u-leader')).toBe(true);
			expect(await repo.viewersOf('inc-a')).toEqual([
				{ userId: 'u-leader', grantedBy: null, grantedAt: iso(T0 + 1_000) },
				{ userId: 'u-leader2', grantedBy: 'u-cmd', grantedAt: iso(T0 + 2_000) }
			]);
		});

		it('[viewers-2] keeps the first grant when an incident is shared with the same viewer again', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			await repo.grantViewer('inc-a', 'u-leader', 'u-cmd', T0 + 1_000);
			await repo.grantViewer('inc-a', 'u-leader', 'u-other', T0 + 5_000);
			expect(await repo.viewersOf('inc-a')).toEqual([
				{ userId: 'u-leader', grantedBy: 'u-cmd', grantedAt: iso(T0 + 1_000) }
			]);
		});

		it('[viewers-3] revokes a grant once, and says whether there was one', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			await repo.grantViewer('inc-a', 'u-leader', 'u-cmd', T0);
			expect(await repo.revokeViewer('inc-a', 'u-leader')).toBe(true);
			expect(await repo.revokeViewer('inc-a', 'u-leader')).toBe(false);
			expect(await repo.isViewerOf('inc-a', 'u-leader')).toBe(false);
			expect(await repo.viewersOf('inc-a')).toEqual([]);
		});

		it('[viewers-4] keeps grants to one incident from reaching another', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			await repo.insert('inc-b', meta(), commander, T0);
			await repo.grantViewer('inc-a', 'u-leader', 'u-cmd', T0);
			expect(await repo.isViewerOf('inc-b', 'u-leader')).toBe(false);
			expect(await repo.revokeViewer('inc-b', 'u-leader')).toBe(false);
			expect(await repo.isViewerOf('inc-a', 'u-leader')).toBe(true);
		});

		it('[viewers-5] lists for a viewer only the incidents shared with them', async () => {
			const repo = await open();
			await repo.insert('inc-a', meta(), commander, T0);
			await repo.insert('inc-b', meta(), commander, T0);
			await repo.grantViewer('inc-b', 'u-leader', 'u-cmd', T0);
			expect((await repo.list({ viewerUserId: 'u-leader' })).map((i) => i.id)).toEqual(['inc-b']);
			expect(await repo.list({ viewerUserId: 'u-nobody' })).toEqual([]);
		});
	});
}
