/**
 * The contract every RegisterRepository must pass (SQLite and PostgreSQL). Cases are keyed
 * ([registers-N]) so that the runs of several implementations can be read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
	RegisterConflict,
	type RegisterBatch,
	type RegisterRepository,
	type StoredRegisterRow
} from '../../server/registers/repository.ts';

export interface RegisterRepositoryUnderTest {
	repository: RegisterRepository;
	dispose(): Promise<void>;
}
export type MakeRegisterRepository = () => Promise<RegisterRepositoryUnderTest>;

const row = (over: Partial<StoredRegisterRow> = {}): StoredRegisterRow => ({
	register: 'shelters',
	id: 's1',
	code: 'SHL-1',
	name: '朝天镇避难场所',
	township: '510812100',
	ownerOrgId: 'twp-510812100',
	lon: 105.88,
	lat: 32.64,
	demo: false,
	data: { capacity: 100, occupancy: 0 },
	status: null,
	statusDetail: null,
	statusAt: null,
	dueAt: null,
	version: 1,
	createdAt: 1000,
	updatedAt: 1000,
	...over
});
const put = (r: StoredRegisterRow, expectedVersion: number | null = null): RegisterBatch => ({
	puts: [{ row: r, expectedVersion }],
	deletes: [],
	changes: [
		{
			register: r.register,
			rowId: r.id,
			at: r.updatedAt,
			byUserId: 'u1',
			action: expectedVersion === null ? 'create' : 'update',
			before: null,
			after: r
		}
	],
	steps: []
});

export function describeRegisterRepositoryContract(name: string, make: MakeRegisterRepository): void {
	describe(`RegisterRepository contract: ${name}`, () => {
		let current: RegisterRepositoryUnderTest | null = null;
		const open = async () => {
			current = await make();
			return current.repository;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		it('[registers-1] holds no rows before any are stored', async () => {
			const repo = await open();
			expect(await repo.count('shelters')).toBe(0);
			expect(await repo.list('shelters', { limit: 10, offset: 0 })).toEqual({ rows: [], total: 0 });
			expect(await repo.get('shelters', 's1')).toBeUndefined();
		});

		it('[registers-2] returns a stored row whole, by id and by code, in its register only', async () => {
			const repo = await open();
			await repo.apply(put(row()));
			expect(await repo.get('shelters', 's1')).toEqual(row());
			expect(await repo.byCodes('shelters', ['SHL-1', 'none'])).toEqual([row()]);
			expect(await repo.get('depots', 's1')).toBeUndefined();
			expect(await repo.all('shelters')).toEqual([row()]);
		});

		it('[registers-3] filters by township, owner, status, overdue and text, pages by code', async () => {
			const repo = await open();
			for (let i = 0; i < 5; i++)
				await repo.apply(
					put(
						row({
							register: 'hazards',
							id: `h${i}`,
							code: `HZ-${i}`,
							name: i === 3 ? '沙河滑坡' : `点${i}`,
							township: i % 2 ? '510812105' : '510812100',
							status: i === 4 ? 'closed' : 'rectifying',
							dueAt: '2026-01-01T00:00:00.000Z'
						})
					)
				);
			const q = { limit: 10, offset: 0 };
			expect((await repo.list('hazards', { ...q, township: '510812105' })).total).toBe(2);
			expect((await repo.list('hazards', { ...q, q: '沙河' })).rows.map((r) => r.id)).toEqual(['h3']);
			expect((await repo.list('hazards', { ...q, q: 'hz-2' })).rows.map((r) => r.id)).toEqual(['h2']);
			expect((await repo.list('hazards', { ...q, status: 'closed' })).total).toBe(1);
			expect((await repo.list('hazards', { ...q, overdueAt: '2026-06-01T00:00:00.000Z' })).total).toBe(4);
			expect((await repo.list('hazards', { ...q, overdueAt: '2025-06-01T00:00:00.000Z' })).total).toBe(0);
			const page = await repo.list('hazards', { limit: 2, offset: 2 });
			expect([page.total, page.rows.map((r) => r.code)]).toEqual([5, ['HZ-2', 'HZ-3']]);
			expect((await repo.list('hazards', { ...q, ownerOrgId: 'twp-510812100' })).total).toBe(5);
		});

		it('[registers-4] replaces the version read and refuses a stale one, writing nothing of the batch', async () => {
			const repo = await open();
			await repo.apply(put(row()));
			await repo.apply(put(row({ name: '改', version: 2, updatedAt: 2000 }), 1));
			expect((await repo.get('shelters', 's1'))?.name).toBe('改');
			await expect(repo.apply(put(row({ name: '旧', version: 2 }), 1))).rejects.toMatchObject({
				kind: 'row-changed'
			});
			expect((await repo.get('shelters', 's1'))?.name).toBe('改');
			expect(await repo.changes('shelters', 's1', 10)).toHaveLength(2);
		});

		it('[registers-5] refuses a second row with the same code, and a batch with one bad put writes none of it', async () => {
			const repo = await open();
			await repo.apply(put(row()));
			const batch: RegisterBatch = {
				puts: [
					{ row: row({ id: 's2', code: 'SHL-2' }), expectedVersion: null },
					{ row: row({ id: 's3', code: 'SHL-1' }), expectedVersion: null }
				],
				deletes: [],
				changes: [],
				steps: []
			};
			const err = await repo.apply(batch).catch((e: unknown) => e);
			expect(err).toBeInstanceOf(RegisterConflict);
			expect(err).toMatchObject({ kind: 'duplicate-code' });
			expect(await repo.get('shelters', 's2')).toBeUndefined();
			await expect(repo.apply(put(row()))).rejects.toMatchObject({ kind: 'row-exists' });
		});

		it('[registers-6] deletes the version read and keeps the change record', async () => {
			const repo = await open();
			await repo.apply(put(row()));
			await expect(
				repo.apply({
					puts: [],
					deletes: [{ register: 'shelters', id: 's1', expectedVersion: 9 }],
					changes: [],
					steps: []
				})
			).rejects.toMatchObject({ kind: 'row-changed' });
			await repo.apply({
				puts: [],
				deletes: [{ register: 'shelters', id: 's1', expectedVersion: 1 }],
				changes: [
					{
						register: 'shelters',
						rowId: 's1',
						at: 3000,
						byUserId: 'u2',
						action: 'delete',
						before: row(),
						after: null
					}
				],
				steps: []
			});
			expect(await repo.get('shelters', 's1')).toBeUndefined();
			const changes = await repo.changes('shelters', 's1', 10);
			expect(changes.map((c) => c.action)).toEqual(['delete', 'create']);
			expect(changes[0]).toMatchObject({ byUserId: 'u2', before: row(), after: null, at: 3000 });
			expect(changes[0]!.seq).toBeGreaterThan(changes[1]!.seq);
		});

		it('[registers-7] keeps a hazard point’s steps in order with who, when, note and due date', async () => {
			const repo = await open();
			const steps = [
				{
					hazardId: 'h1',
					from: 'registered',
					to: 'rectifying',
					at: 1,
					byUserId: 'u1',
					note: '',
					dueAt: '2026-12-31T00:00:00.000Z'
				},
				{
					hazardId: 'h1',
					from: 'rectifying',
					to: 'awaiting_acceptance',
					at: 2,
					byUserId: 'u2',
					note: '已清方',
					dueAt: null
				}
			] as const;
			await repo.apply({ puts: [], deletes: [], changes: [], steps: [...steps] });
			const stored = await repo.hazardSteps('h1');
			expect(stored.map(({ seq: _seq, ...s }) => s)).toEqual(steps);
			expect(await repo.hazardSteps('h2')).toEqual([]);
		});

		it('[registers-8] finds the rows with a position inside a box, and none without one', async () => {
			const repo = await open();
			const at = (id: string, lon: number | null, lat: number | null) =>
				repo.apply(put(row({ register: 'teams', id, code: id.toUpperCase(), lon, lat })));
			await at('t1', 105.9, 32.6);
			await at('t2', 106.2, 32.9);
			await at('t3', null, null);
			await at('t4', 105.95, 32.65);
			const inBox = await repo.list('teams', { box: [105.85, 32.55, 106.0, 32.7], limit: 10, offset: 0 });
			expect([inBox.total, inBox.rows.map((r) => r.id)]).toEqual([2, ['t1', 't4']]);
		});

		it('[registers-9] records commitments with the row’s new version, lists them and releases each once', async () => {
			const repo = await open();
			const boat = row({
				register: 'equipment',
				id: 'e1',
				code: 'EQ-1',
				data: { item: '冲锋舟', quantity: 3 }
			});
			await repo.apply(put(boat));
			const commitment = {
				id: 'c1',
				incidentId: 'inc-1',
				taskId: 'task-1',
				register: 'equipment' as const,
				rowId: 'e1',
				quantity: 2,
				byUserId: 'u1',
				at: 5000,
				releasedAt: null,
				releasedBy: null
			};
			await repo.apply({
				puts: [{ row: { ...boat, version: 2, updatedAt: 5000 }, expectedVersion: 1 }],
				deletes: [],
				changes: [],
				steps: [],
				commitments: [commitment, { ...commitment, id: 'c2', incidentId: 'inc-2', quantity: 1 }]
			});
			expect(await repo.commitments({ rowId: 'e1' })).toEqual([
				commitment,
				{ ...commitment, id: 'c2', incidentId: 'inc-2', quantity: 1 }
			]);
			expect((await repo.commitments({ incidentId: 'inc-2' })).map((c) => c.id)).toEqual(['c2']);
			expect(await repo.commitments({ register: 'teams' })).toEqual([]);
			// A commitment made on a stale read of the row is not recorded.
			await expect(
				repo.apply({
					puts: [{ row: { ...boat, version: 2 }, expectedVersion: 1 }],
					deletes: [],
					changes: [],
					steps: [],
					commitments: [{ ...commitment, id: 'c3' }]
				})
			).rejects.toMatchObject({ kind: 'row-changed' });
			expect(await repo.getCommitment('c3')).toBeUndefined();
			const release = { id: 'c1', register: 'equipment' as const, at: 6000, byUserId: 'u2' };
			await repo.apply({ puts: [], deletes: [], changes: [], steps: [], releases: [release] });
			expect(await repo.getCommitment('c1')).toEqual({ ...commitment, releasedAt: 6000, releasedBy: 'u2' });
			expect((await repo.commitments({ rowId: 'e1' })).map((c) => c.id)).toEqual(['c2']);
			expect((await repo.commitments({ rowId: 'e1', unreleasedOnly: false })).map((c) => c.id)).toEqual([
				'c1',
				'c2'
			]);
			await expect(
				repo.apply({ puts: [], deletes: [], changes: [], steps: [], releases: [release] })
			).rejects.toMatchObject({ kind: 'commitment-released' });
		});

		it('[registers-10] writes a batch of 2,500 new rows and then 2,500 replacements whole, changes in order', async () => {
			const repo = await open();
			const rows = Array.from({ length: 2500 }, (_, i) =>
				row({ id: `s${i}`, code: `SHL-${String(i).padStart(4, '0')}`, data: { capacity: i, occupancy: 0 } })
			);
			await repo.apply({
				puts: rows.map((r) => ({ row: r, expectedVersion: null })),
				deletes: [],
				changes: rows.map((r) => ({
					register: r.register,
					rowId: r.id,
					at: 1000,
					byUserId: 'u1',
					action: 'import' as const,
					before: null,
					after: r
				})),
				steps: []
			});
			expect(await repo.count('shelters')).toBe(2500);
			const next = rows.map((r) => ({ ...r, name: `${r.name}改`, version: 2, updatedAt: 2000 }));
			// One stale row among them: nothing of the batch is written.
			const stale = next.map((r, i) => ({ row: r, expectedVersion: i === 2400 ? 7 : 1 }));
			await expect(repo.apply({ puts: stale, deletes: [], changes: [], steps: [] })).rejects.toMatchObject({
				kind: 'row-changed',
				key: 's2400'
			});
			expect((await repo.get('shelters', 's0'))?.version).toBe(1);
			await repo.apply({
				puts: next.map((r) => ({ row: r, expectedVersion: 1 })),
				deletes: [],
				changes: [],
				steps: []
			});
			expect(await repo.get('shelters', 's2499')).toEqual(next[2499]);
			const last = await repo.list('shelters', { limit: 2, offset: 2498 });
			expect(last.rows.map((r) => r.code)).toEqual(['SHL-2498', 'SHL-2499']);
			expect((await repo.changes('shelters', 's1234', 5)).map((c) => c.action)).toEqual(['import']);
		});
	});
}
