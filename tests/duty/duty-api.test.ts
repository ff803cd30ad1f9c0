/**
 * The duty roster over REST: an organisation's own staff and the command centre plan it, others
 * are refused by name; who is on duty across a shift boundary; a month imported from CSV, refused
 * whole with each row's error and nothing applied; a handover written and confirmed once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handover, Shift } from '../../src/lib/domain/api/duty.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';

type Refusal = { error: string; message: string; issues?: { path: string; message: string }[] };
const CHAOTIAN = 'twp-510812100';
const DATAN = 'twp-510812101';

const HEADER = 'date,start,end,officer,officer_phone,leader,leader_phone,note';

describe('duty roster over REST', () => {
	let server: TestServer;
	let commander: TestSession, chaotian: TestSession, datan: TestSession;

	beforeAll(async () => {
		server = await startTestServer({ SITROOM_STORE: 'memory' });
		const [a, b, c] = await Promise.all(['commander', 'chaotian', 'datan'].map((u) => server.login(u)));
		[commander, chaotian, datan] = [a!, b!, c!];
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const onDuty = async (org: string, at: string) =>
		(
			await call<{ shift: Shift | null }>(
				server.url,
				datan,
				'GET',
				`/api/duty/${org}/on-duty?at=${encodeURIComponent(at)}`
			)
		).body.shift;

	it('imports a month; who is on duty switches at the shift boundary', async () => {
		const csv = [
			HEADER,
			'2026-07-01,08:00,20:00,张三,13800000001,李镇长,13900000001,白班',
			'2026-07-01,20:00,08:00,王五,13800000002,赵书记,13900000002,"夜班, 含汛期"'
		].join('\n');
		const res = await call<{ imported: number }>(
			server.url,
			chaotian,
			'POST',
			`/api/duty/${CHAOTIAN}/import`,
			{
				month: '2026-07',
				csv
			}
		);
		expect([res.status, res.body.imported]).toEqual([201, 2]);
		expect((await onDuty(CHAOTIAN, '2026-07-01T19:59:59+08:00'))?.officerName).toBe('张三');
		const night = await onDuty(CHAOTIAN, '2026-07-01T20:00:00+08:00');
		expect([night?.officerName, night?.leaderName, night?.note]).toEqual(['王五', '赵书记', '夜班, 含汛期']);
		expect((await onDuty(CHAOTIAN, '2026-07-02T07:59:00+08:00'))?.officerName).toBe('王五');
		expect(await onDuty(CHAOTIAN, '2026-07-02T08:00:00+08:00')).toBeNull();
	});

	it('refuses a file with errors whole, naming each row and column; the month stays as it was', async () => {
		const csv = [
			HEADER,
			'2026-07-03,08:00,20:00,张三,13800000001,李镇长,13900000001,',
			'2026-08-01,08:00,20:00,张三,13800000001,李镇长,13900000001,',
			'2026-07-04,25:00,20:00,张三,13800000001,李镇长,13900000001,',
			'2026-07-05,08:00,20:00,,13800000001,李镇长,abc,',
			'2026-07-03,12:00,14:00,钱七,13800000003,李镇长,13900000001,'
		].join('\n');
		const res = await call<Refusal>(server.url, chaotian, 'POST', `/api/duty/${CHAOTIAN}/import`, {
			month: '2026-07',
			csv
		});
		expect([res.status, res.body.error]).toEqual([400, 'roster-csv-invalid']);
		expect(res.body.issues!.map((i) => i.path)).toEqual([
			'row 2.date',
			'row 3.start',
			'row 4.officer',
			'row 4.leader_phone',
			'row 5.start'
		]);
		expect(res.body.issues![4]!.message).toBe('overlaps row 1');
		// Nothing applied: the earlier import stands.
		expect((await onDuty(CHAOTIAN, '2026-07-01T10:00:00+08:00'))?.officerName).toBe('张三');
		expect(await onDuty(CHAOTIAN, '2026-07-03T10:00:00+08:00')).toBeNull();
		const noHeader = await call<Refusal>(server.url, chaotian, 'POST', `/api/duty/${CHAOTIAN}/import`, {
			month: '2026-07',
			csv: '2026-07-03,08:00,20:00,a,1380,b,1390,'
		});
		expect(noHeader.body.issues!.map((i) => i.path)).toEqual(['header']);
	});

	it("refuses another organisation's staff by name; the command centre plans any roster", async () => {
		const shift = {
			startsAt: '2026-07-10T08:00:00+08:00',
			endsAt: '2026-07-10T20:00:00+08:00',
			officerName: '孙八',
			officerPhone: '13800000008',
			leaderName: '周镇长',
			leaderPhone: '13900000008'
		};
		const other = await call<Refusal>(server.url, datan, 'POST', `/api/duty/${CHAOTIAN}/shifts`, shift);
		expect([other.status, other.body.error]).toEqual([403, 'not-your-roster']);
		expect((await call(server.url, commander, 'POST', `/api/duty/${CHAOTIAN}/shifts`, shift)).status).toBe(
			201
		);
		const overlap = await call<Refusal>(server.url, chaotian, 'POST', `/api/duty/${CHAOTIAN}/shifts`, shift);
		expect([overlap.status, overlap.body.error]).toEqual([409, 'shift-overlap']);
		const unknown = await call<Refusal>(server.url, commander, 'POST', '/api/duty/twp-nowhere/shifts', shift);
		expect([unknown.status, unknown.body.error]).toEqual([404, 'organisation-not-found']);
	});

	it('keeps a handover: the outgoing officer writes it, the incoming confirms it once', async () => {
		const written = await call<{ handover: Handover }>(
			server.url,
			datan,
			'POST',
			`/api/duty/${DATAN}/handovers`,
			{
				outgoingName: '张三',
				incomingName: '李四',
				openWarnings: '嘉陵江洪水红色预警未解除',
				openTasks: '响水村转移群众 32 人待安置',
				watch: '夜间关注河道水位'
			}
		);
		expect(written.status).toBe(201);
		const id = written.body.handover.id;
		expect(
			(await call(server.url, chaotian, 'POST', `/api/duty/${DATAN}/handovers/${id}/confirm`)).status
		).toBe(403);
		const confirmed = await call<{ handover: Handover }>(
			server.url,
			datan,
			'POST',
			`/api/duty/${DATAN}/handovers/${id}/confirm`
		);
		expect(confirmed.body.handover).toMatchObject({
			confirmedByName: '大滩镇值班员',
			openTasks: '响水村转移群众 32 人待安置'
		});
		const again = await call<Refusal>(
			server.url,
			datan,
			'POST',
			`/api/duty/${DATAN}/handovers/${id}/confirm`
		);
		expect([again.status, again.body.error]).toEqual([409, 'handover-already-confirmed']);
		const list = await call<{ handovers: Handover[] }>(
			server.url,
			commander,
			'GET',
			`/api/duty/${DATAN}/handovers`
		);
		expect(list.body.handovers.map((h) => [h.id, h.writtenByName, h.confirmedAt !== null])).toEqual([
			[id, '大滩镇值班员', true]
		]);
	});
	it('who is on duty in every organisation at a time, in one call', async () => {
		const add = (who: TestSession, org: string, officer: string) =>
			call(server.url, who, 'POST', `/api/duty/${org}/shifts`, {
				startsAt: '2026-09-01T08:00:00+08:00',
				endsAt: '2026-09-01T20:00:00+08:00',
				officerName: officer,
				officerPhone: '13800000009',
				leaderName: `${officer}的带班领导`,
				leaderPhone: '13900000009'
			});
		expect((await add(chaotian, CHAOTIAN, '朝天白班')).status).toBe(201);
		expect((await add(datan, DATAN, '大滩白班')).status).toBe(201);
		const at = (iso: string) =>
			call<{ at: string; shifts: Shift[] }>(
				server.url,
				datan,
				'GET',
				`/api/duty/on-duty?at=${encodeURIComponent(iso)}`
			);
		const noon = await at('2026-09-01T12:00:00+08:00');
		expect(noon.status).toBe(200);
		expect(noon.body.shifts.map((s) => [s.orgId, s.officerName, s.leaderPhone])).toEqual([
			[CHAOTIAN, '朝天白班', '13900000009'],
			[DATAN, '大滩白班', '13900000009']
		]);
		expect((await at('2026-09-01T20:00:00+08:00')).body.shifts).toEqual([]);
		const bad = await call<Refusal>(server.url, datan, 'GET', '/api/duty/on-duty?at=yesterday');
		expect([bad.status, bad.body.error]).toEqual([400, 'invalid-request']);
		const anonymous = await fetch(`${server.url}/api/duty/on-duty`);
		expect(anonymous.status).toBe(401);
	});
});
