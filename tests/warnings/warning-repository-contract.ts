/**
 * The contract every WarningRepository must pass (SQLite and PostgreSQL). Cases are keyed
 * ([warnings-N]) so that the runs of several implementations read side by side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { VersionRow, WarningRepository } from '../../server/warnings/warning-repository.ts';

export interface WarningRepositoryUnderTest {
	repo: WarningRepository;
	dispose(): Promise<void>;
}
export type MakeWarningRepository = () => Promise<WarningRepositoryUnderTest>;

const T0 = Date.parse('2026-07-12T06:00:00Z');
const MIN = 60_000;

export function version(warningId: string, n: number, over: Partial<VersionRow> = {}): VersionRow {
	return {
		warningId,
		version: n,
		msgType: n === 1 ? 'issue' : 'update',
		identifier: `51081200000000_2026071214000${n}_${warningId}`,
		sentAt: T0 + n,
		byUserId: 'u-commander',
		title: '嘉陵江朝天段洪水预警',
		event: 'flood',
		level: 'red',
		urgency: 'Immediate',
		certainty: 'Likely',
		instruction: '立即转移沿河群众',
		area: { townships: ['510812100'], villages: [], polygon: null, description: '' },
		effective: T0,
		expires: T0 + 24 * 60 * MIN,
		reason: null,
		...over
	};
}

export function describeWarningRepositoryContract(name: string, make: MakeWarningRepository): void {
	describe(`WarningRepository contract: ${name}`, () => {
		let current: WarningRepositoryUnderTest | null = null;
		const open = async () => {
			current = await make();
			return current.repo;
		};
		afterEach(async () => {
			await current?.dispose();
			current = null;
		});

		const issue = async (
			repo: WarningRepository,
			id: string,
			targets = ['twp-a', 'twp-b'],
			limit = 5 * MIN
		) => {
			await repo.create(
				{ id, kind: 'warning', issuerOrgId: 'command-centre', incidentId: null, createdAt: T0 },
				version(id, 1),
				targets.map((orgId) => ({ warningId: id, orgId, reachedAt: T0, deadlineAt: T0 + limit }))
			);
		};

		it('[warnings-1] stores a warning with its first version and targets, and reads them back', async () => {
			const repo = await open();
			await issue(repo, 'w1');
			const w = await repo.get('w1');
			expect(w).toMatchObject({ id: 'w1', kind: 'warning', issuerOrgId: 'command-centre', status: 'active' });
			expect(w!.versions).toEqual([version('w1', 1)]);
			expect(w!.targets.map((t) => [t.orgId, t.deadlineAt, t.ack, t.escalatedAt])).toEqual([
				['twp-a', T0 + 5 * MIN, null, null],
				['twp-b', T0 + 5 * MIN, null, null]
			]);
			expect(await repo.get('nope')).toBeUndefined();
		});

		it('[warnings-2] keeps every version; a cancel closes the warning and nothing follows it', async () => {
			const repo = await open();
			await issue(repo, 'w1');
			expect(await repo.addVersion(version('w1', 2, { title: '续发' }))).toEqual({ ok: true });
			expect(await repo.addVersion(version('w1', 2, { identifier: 'other' }))).toEqual({
				ok: false,
				reason: 'version-conflict'
			});
			expect(await repo.addVersion(version('w1', 3, { msgType: 'cancel', reason: '雨停' }))).toEqual({
				ok: true
			});
			expect(await repo.addVersion(version('w1', 4, { identifier: 'x4' }))).toEqual({
				ok: false,
				reason: 'warning-cancelled'
			});
			expect(await repo.addVersion(version('nope', 2))).toEqual({ ok: false, reason: 'warning-not-found' });
			const w = await repo.get('w1');
			expect(w!.status).toBe('cancelled');
			expect(w!.versions.map((v) => [v.version, v.msgType, v.reason])).toEqual([
				[1, 'issue', null],
				[2, 'update', null],
				[3, 'cancel', '雨停']
			]);
		});

		it('[warnings-3] the first acknowledgement of a target stands; non-targets and cancelled warnings are refused', async () => {
			const repo = await open();
			await issue(repo, 'w1');
			const ack = {
				warningId: 'w1',
				orgId: 'twp-a',
				userId: 'u1',
				deviceAt: T0 + 1000,
				serverAt: T0 + 2000,
				version: 1
			};
			expect(await repo.acknowledge(ack)).toEqual({ ok: true, ack });
			expect(await repo.acknowledge({ ...ack, userId: 'u2', serverAt: T0 + 3000 })).toEqual({
				ok: false,
				reason: 'already-acknowledged',
				first: ack
			});
			expect(await repo.acknowledge({ ...ack, orgId: 'twp-x' })).toEqual({
				ok: false,
				reason: 'not-a-target'
			});
			expect(await repo.acknowledge({ ...ack, warningId: 'nope' })).toEqual({
				ok: false,
				reason: 'warning-not-found'
			});
			await repo.addVersion(version('w1', 2, { msgType: 'cancel', reason: 'r' }));
			expect(await repo.acknowledge({ ...ack, orgId: 'twp-b' })).toEqual({
				ok: false,
				reason: 'warning-cancelled'
			});
			const w = await repo.get('w1');
			expect(w!.targets.find((t) => t.orgId === 'twp-a')!.ack).toEqual(ack);
			expect(w!.targets.find((t) => t.orgId === 'twp-b')!.ack).toBeNull();
		});

		it('[warnings-4] finds due targets and the next deadline; acknowledged, escalated, cancelled and expired ones leave', async () => {
			const repo = await open();
			await issue(repo, 'w1', ['twp-a', 'twp-b', 'twp-c'], 5 * MIN);
			await issue(repo, 'w2', ['twp-a'], 10 * MIN);
			expect(await repo.nextDeadline()).toBe(T0 + 5 * MIN);
			expect(await repo.dueTargets(T0 + 5 * MIN - 1)).toEqual([]);
			await repo.acknowledge({
				warningId: 'w1',
				orgId: 'twp-a',
				userId: 'u',
				deviceAt: null,
				serverAt: T0,
				version: 1
			});
			expect((await repo.dueTargets(T0 + 5 * MIN)).map((d) => d.orgId)).toEqual(['twp-b', 'twp-c']);
			const e = await repo.escalate({
				warningId: 'w1',
				orgId: 'twp-b',
				at: T0 + 5 * MIN,
				leaderName: '李四',
				leaderPhone: '139'
			});
			expect(e).toMatchObject({ warningId: 'w1', orgId: 'twp-b', leaderName: '李四', leaderPhone: '139' });
			expect(
				await repo.escalate({
					warningId: 'w1',
					orgId: 'twp-b',
					at: T0 + 6 * MIN,
					leaderName: null,
					leaderPhone: null
				})
			).toBeNull();
			expect(
				await repo.escalate({
					warningId: 'w1',
					orgId: 'twp-a',
					at: T0 + 6 * MIN,
					leaderName: null,
					leaderPhone: null
				})
			).toBeNull();
			expect((await repo.dueTargets(T0 + 60 * MIN)).map((d) => `${d.warningId}/${d.orgId}`)).toEqual([
				'w1/twp-c',
				'w2/twp-a'
			]);
			await repo.addVersion(version('w1', 2, { msgType: 'cancel', reason: 'r' }));
			expect(await repo.nextDeadline()).toBe(T0 + 10 * MIN);
			// A warning that expires before its target's deadline never escalates it.
			await repo.addVersion(version('w2', 2, { expires: T0 + 10 * MIN }));
			expect(await repo.nextDeadline()).toBeNull();
			expect(await repo.dueTargets(T0 + 60 * MIN)).toEqual([]);
			const rec = await repo.record('w1');
			expect(rec!.escalations.map((x) => x.orgId)).toEqual(['twp-b']);
			expect(rec!.targets.find((t) => t.orgId === 'twp-b')!.escalatedAt).toBe(T0 + 5 * MIN);
		});

		it('[warnings-5] appends call records in order, and lists by status and target', async () => {
			const repo = await open();
			await issue(repo, 'w1', ['twp-a']);
			await issue(repo, 'w2', ['twp-b']);
			const c = await repo.addCall({
				warningId: 'w1',
				orgId: 'twp-a',
				direction: 'outgoing',
				caller: '指挥中心',
				callee: '张三',
				phone: '0839-1',
				at: T0,
				answered: false,
				note: '',
				recordedBy: 'u',
				recordedAt: T0
			});
			await repo.addCall({ ...c, answered: true, at: T0 + MIN });
			const rec = await repo.record('w1');
			expect(rec!.calls.map((x) => [x.answered, x.at])).toEqual([
				[false, T0],
				[true, T0 + MIN]
			]);
			expect(rec!.calls[0]!.id).toBeLessThan(rec!.calls[1]!.id);
			expect((await repo.list({ target: 'twp-b' })).map((w) => w.id)).toEqual(['w2']);
			await repo.addVersion(version('w2', 2, { msgType: 'cancel', reason: 'r' }));
			expect((await repo.list({ status: 'active' })).map((w) => w.id)).toEqual(['w1']);
			expect((await repo.list({ status: 'cancelled' })).map((w) => w.id)).toEqual(['w2']);
		});

		it('[warnings-6] running numbers count per key, also when asked at once', async () => {
			const repo = await open();
			const all = await Promise.all([repo.nextSerial('a'), repo.nextSerial('a'), repo.nextSerial('a')]);
			expect([...all].sort()).toEqual([1, 2, 3]);
			expect(await repo.nextSerial('b')).toBe(1);
		});
		it('[warnings-7] escalations of one target asked at once: exactly one is recorded', async () => {
			const repo = await open();
			await issue(repo, 'w1', ['twp-a', 'twp-b']);
			const attempts = await Promise.all(
				Array.from({ length: 6 }, (_, i) =>
					repo.escalate({
						warningId: 'w1',
						orgId: 'twp-a',
						at: T0 + 5 * MIN + i,
						leaderName: `带班${i}`,
						leaderPhone: null
					})
				)
			);
			expect(attempts.filter((a) => a !== null)).toHaveLength(1);
			const rec = await repo.record('w1');
			expect(rec!.escalations.map((x) => x.orgId)).toEqual(['twp-a']);
			expect(await repo.dueTargets(T0 + 60 * MIN)).toEqual([
				{ warningId: 'w1', orgId: 'twp-b', deadlineAt: T0 + 5 * MIN }
			]);
		});

		it('[warnings-8] an acknowledgement and an escalation of one target at once: never both', async () => {
			const repo = await open();
			await issue(repo, 'w1', ['twp-a']);
			const [ack, esc] = await Promise.all([
				repo.acknowledge({
					warningId: 'w1',
					orgId: 'twp-a',
					userId: 'u',
					deviceAt: null,
					serverAt: T0 + 5 * MIN,
					version: 1
				}),
				repo.escalate({
					warningId: 'w1',
					orgId: 'twp-a',
					at: T0 + 5 * MIN,
					leaderName: null,
					leaderPhone: null
				})
			]);
			expect(ack.ok).toBe(true);
			const t = (await repo.get('w1'))!.targets[0]!;
			// The escalation either came first (and is kept) or found the target acknowledged.
			expect(t.escalatedAt === null).toBe(esc === null);
			expect(t.ack).not.toBeNull();
		});

		it('[warnings-9] a cancelled warning is never escalated', async () => {
			const repo = await open();
			await issue(repo, 'w1', ['twp-a']);
			await repo.addVersion(version('w1', 2, { msgType: 'cancel', reason: 'r' }));
			expect(
				await repo.escalate({
					warningId: 'w1',
					orgId: 'twp-a',
					at: T0 + 6 * MIN,
					leaderName: null,
					leaderPhone: null
				})
			).toBeNull();
			expect((await repo.record('w1'))!.escalations).toEqual([]);
		});
		it("[warnings-10] the webhooks' outbox: claimed under a lease, once at a time, retried, settled", async () => {
			const repo = await open();
			await issue(repo, 'w1', ['twp-a']);
			const row = (id: string, nextAt: number) => ({
				id,
				warningId: 'w1',
				orgId: null,
				hook: 'sms',
				event: 'issued',
				body: `{"id":"${id}"}`,
				attempts: 0,
				nextAt,
				createdAt: T0,
				doneAt: null,
				outcome: null
			});
			await repo.addDispatches([row('d1', T0), row('d2', T0 + MIN)]);
			expect(await repo.nextDispatchAt()).toBe(T0);
			// Claimed at once by several callers: each row goes to one of them.
			const claims = await Promise.all([
				repo.claimDispatches(T0, T0 + 30_000, 10),
				repo.claimDispatches(T0, T0 + 30_000, 10),
				repo.claimDispatches(T0, T0 + 30_000, 10)
			]);
			expect(claims.flat().map((d) => d.id)).toEqual(['d1']);
			// While leased, nobody else gets it; the next due time is the lease's end or d2's.
			expect(await repo.claimDispatches(T0 + 1000, T0 + 60_000, 10)).toEqual([]);
			expect(await repo.nextDispatchAt()).toBe(T0 + 30_000);
			// A lease that ran out (its node died) is claimed again.
			expect((await repo.claimDispatches(T0 + 30_000, T0 + 60_000, 10)).map((d) => d.id)).toEqual(['d1']);
			await repo.settleDispatch('d1', { attempts: 1, nextAt: T0 + 40_000 });
			expect(await repo.nextDispatchAt()).toBe(T0 + 40_000);
			expect(
				(await repo.claimDispatches(T0 + 2 * MIN, T0 + 3 * MIN, 10)).map((d) => [d.id, d.attempts])
			).toEqual([
				['d1', 1],
				['d2', 0]
			]);
			await repo.settleDispatch('d1', { attempts: 2, doneAt: T0 + 2 * MIN, outcome: 'delivered' });
			await repo.settleDispatch('d2', { attempts: 5, doneAt: T0 + 2 * MIN, outcome: 'failed' });
			expect(await repo.nextDispatchAt()).toBeNull();
			expect(await repo.claimDispatches(T0 + 60 * MIN, T0 + 61 * MIN, 10)).toEqual([]);
			expect((await repo.dispatches('w1')).map((d) => [d.id, d.attempts, d.outcome, d.body])).toEqual([
				['d1', 2, 'delivered', '{"id":"d1"}'],
				['d2', 5, 'failed', '{"id":"d2"}']
			]);
		});
	});
}
