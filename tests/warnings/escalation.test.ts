/**
 * Escalation on the server's own clock: a target that has not acknowledged by its deadline is
 * escalated once, with its leader on duty named, and one that acknowledged is not. First with a
 * controllable clock over the real SQLite repositories; then end to end on a real server with a
 * one-second limit, including a restart between the issue and the deadline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WarningDetail } from '../../src/lib/domain/api/warnings.ts';
import { SqliteDutyRepository } from '../../server/duty/sqlite/duty-repository.ts';
import { dutyMigrations } from '../../server/duty/sqlite/schema.ts';
import { silentLogger } from '../../server/log.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { EscalationTimer, type Clock } from '../../server/warnings/escalation.ts';
import { warningMigrations } from '../../server/warnings/sqlite/schema.ts';
import { SqliteWarningRepository } from '../../server/warnings/sqlite/warning-repository.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';
import { version } from './warning-repository-contract.ts';
import { CHAOTIAN, until, validWarning, YANGMU } from './helpers.ts';

const MIN = 60_000;

/** A clock the test moves: timers fire only when `advance` passes their time. */
class TestClock implements Clock {
	#now: number;
	#timers = new Map<number, { at: number; fn: () => void }>();
	#next = 1;
	constructor(start: number) {
		this.#now = start;
	}
	now = () => this.#now;
	setTimeout = (fn: () => void, ms: number) => {
		const id = this.#next++;
		this.#timers.set(id, { at: this.#now + ms, fn });
		return id;
	};
	clearTimeout = (h: unknown) => void this.#timers.delete(h as number);
	get pending(): number[] {
		return [...this.#timers.values()].map((t) => t.at);
	}
	async advance(ms: number, timer: EscalationTimer): Promise<void> {
		this.#now += ms;
		for (const [id, t] of [...this.#timers]) {
			if (t.at <= this.#now) {
				this.#timers.delete(id);
				t.fn();
			}
		}
		await timer.idle();
	}
}

describe('escalation with a controllable clock (real SQLite)', () => {
	const dirs: string[] = [];
	afterEach(() => {
		for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
	});

	it('escalates each unacknowledged target once at its deadline, naming its leader on duty', async () => {
		const dir = tempDataDir('sitroom-escalation-');
		dirs.push(dir);
		const db = openDatabase({
			file: path.join(dir, 'db'),
			migrations: [...warningMigrations, ...dutyMigrations]
		});
		const repo = new SqliteWarningRepository(db);
		const duty = new SqliteDutyRepository(db);
		const T0 = Date.parse('2026-07-12T06:00:00Z');
		const clock = new TestClock(T0);
		await duty.addShift(
			{
				id: 's1',
				orgId: 'twp-b',
				startsAt: T0 - 60 * MIN,
				endsAt: T0 + 600 * MIN,
				officerName: '王五',
				officerPhone: '13800000002',
				leaderName: '赵镇长',
				leaderPhone: '13900000009',
				note: ''
			},
			'u'
		);
		await repo.create(
			{ id: 'w1', kind: 'warning', issuerOrgId: 'command-centre', incidentId: null, createdAt: T0 },
			version('w1', 1),
			['twp-a', 'twp-b'].map((orgId) => ({ warningId: 'w1', orgId, reachedAt: T0, deadlineAt: T0 + 5 * MIN }))
		);
		const escalated: string[] = [];
		const timer = new EscalationTimer({
			clock,
			log: silentLogger(),
			maxSleepMs: 10 * MIN,
			nextDeadline: () => repo.nextDeadline(),
			dueTargets: (now) => repo.dueTargets(now),
			escalate: async (t) => {
				const shift = await duty.onDutyAt(t.orgId, clock.now());
				const e = await repo.escalate({
					...t,
					at: clock.now(),
					leaderName: shift?.leaderName ?? null,
					leaderPhone: shift?.leaderPhone ?? null
				});
				if (e) escalated.push(`${t.orgId}@${(e.at - T0) / 1000}s`);
				return e !== null;
			}
		});
		await timer.poke();
		expect(clock.pending).toEqual([T0 + 5 * MIN]);
		await clock.advance(4 * MIN + 59_000, timer);
		expect(escalated).toEqual([]);
		await repo.acknowledge({
			warningId: 'w1',
			orgId: 'twp-a',
			userId: 'u',
			deviceAt: null,
			serverAt: clock.now(),
			version: 1
		});
		await clock.advance(1000, timer);
		expect(escalated).toEqual(['twp-b@300s']);
		const rec = await repo.record('w1');
		expect(rec!.escalations.map((e) => [e.orgId, e.leaderName, e.leaderPhone])).toEqual([
			['twp-b', '赵镇长', '13900000009']
		]);
		// Nothing is left to wait for, and later passes escalate nothing again.
		expect(clock.pending).toEqual([]);
		await timer.poke();
		await clock.advance(60 * MIN, timer);
		expect(escalated).toEqual(['twp-b@300s']);
		timer.stop();
		db.close();
	});

	it('a timer started after the deadline passed (a restart) escalates at once', async () => {
		const dir = tempDataDir('sitroom-escalation-');
		dirs.push(dir);
		const db = openDatabase({
			file: path.join(dir, 'db'),
			migrations: [...warningMigrations, ...dutyMigrations]
		});
		const repo = new SqliteWarningRepository(db);
		const T0 = Date.parse('2026-07-12T06:00:00Z');
		await repo.create(
			{ id: 'w1', kind: 'warning', issuerOrgId: 'command-centre', incidentId: null, createdAt: T0 },
			version('w1', 1),
			[{ warningId: 'w1', orgId: 'twp-a', reachedAt: T0, deadlineAt: T0 + 5 * MIN }]
		);
		const clock = new TestClock(T0 + 30 * MIN);
		const timer = new EscalationTimer({
			clock,
			log: silentLogger(),
			nextDeadline: () => repo.nextDeadline(),
			dueTargets: (now) => repo.dueTargets(now),
			escalate: async (t) =>
				(await repo.escalate({ ...t, at: clock.now(), leaderName: null, leaderPhone: null })) !== null
		});
		await timer.poke();
		expect((await repo.record('w1'))!.escalations.map((e) => e.at)).toEqual([T0 + 30 * MIN]);
		timer.stop();
		db.close();
	});
});

describe('escalation on a real server', () => {
	let server: TestServer | undefined;
	afterEach(async () => {
		await server?.dispose();
		server = undefined;
	});

	const detail = async (s: TestServer, id: string, cookie: Awaited<ReturnType<TestServer['login']>>) =>
		(await call<{ warning: WarningDetail }>(s.url, cookie, 'GET', `/api/warnings/${id}`)).body.warning;

	it('a third target that does not acknowledge is escalated after its limit, also across a restart', async () => {
		const dataDir = tempDataDir('sitroom-escalation-');
		const env = { WARNING_ACK_LIMITS: 'red=3' };
		server = await startTestServer(env, { dataDir, keepData: true });
		let commander = await server.login('commander');
		const shiftStart = new Date(Date.now() - 3_600_000).toISOString();
		const shiftEnd = new Date(Date.now() + 3_600_000).toISOString();
		const shift = await call(server.url, commander, 'POST', `/api/duty/${YANGMU}/shifts`, {
			startsAt: shiftStart,
			endsAt: shiftEnd,
			officerName: '羊木值班员',
			officerPhone: '0839-8600001',
			leaderName: '羊木带班领导',
			leaderPhone: '13900000003'
		});
		expect(shift.status).toBe(201);
		// Signed in before the issue, so the acknowledgement is well within the limit on a loaded machine.
		const chaotian = await server.login('chaotian');
		const issued = await call<{ id: string }>(
			server.url,
			commander,
			'POST',
			'/api/warnings',
			validWarning({ targets: [CHAOTIAN, YANGMU] })
		);
		const id = issued.body.id;
		expect((await call(server.url, chaotian, 'POST', `/api/warnings/${id}/ack`, {})).status).toBe(201);
		const deadline = Date.parse((await detail(server, id, commander)).targets[1]!.deadlineAt);
		expect((await detail(server, id, commander)).targets[1]!.escalatedAt).toBeNull();
		// Stop before the deadline; the deadline passes while the server is down.
		await server.stop();
		expect(Date.now()).toBeLessThan(deadline);
		await new Promise((r) => setTimeout(r, deadline - Date.now() + 300));
		const restarted = await startTestServer(env, { dataDir });
		server = restarted;
		commander = await restarted.login('commander');
		const w = await until(async () => {
			const d = await detail(restarted, id, commander);
			expect(d.targets.find((t) => t.orgId === YANGMU)!.escalatedAt).not.toBeNull();
			return d;
		});
		const yangmu = w.targets.find((t) => t.orgId === YANGMU)!;
		expect(yangmu.escalatedTo).toBe('羊木带班领导 13900000003');
		expect(w.targets.find((t) => t.orgId === CHAOTIAN)!.escalatedAt).toBeNull();
		expect(w.escalatedCount).toBe(1);
		expect(w.escalations.map((e) => [e.orgId, e.leaderName])).toEqual([[YANGMU, '羊木带班领导']]);
	});

	it('escalates while the server runs, with nobody watching', async () => {
		server = await startTestServer({ SITROOM_STORE: 'memory', WARNING_ACK_LIMITS: 'red=1' });
		const commander = await server.login('commander');
		const issuedAt = Date.now();
		const { id } = (
			await call<{ id: string }>(
				server.url,
				commander,
				'POST',
				'/api/warnings',
				validWarning({ targets: [YANGMU] })
			)
		).body;
		const s = server;
		const w = await until(async () => {
			const d = await detail(s, id, commander);
			expect(d.targets[0]!.escalatedAt).not.toBeNull();
			return d;
		});
		const late = Date.parse(w.targets[0]!.escalatedAt!) - issuedAt;
		expect(late).toBeGreaterThanOrEqual(1000);
		expect(late).toBeLessThan(5000);
	});
});
