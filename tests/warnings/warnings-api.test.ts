/**
 * The warnings API over REST against a real server: who may issue (a commander anything, an
 * agency in its own field, a township nothing), bad input refused by name, acknowledgements by a
 * target's staff only and only once (the first stands), a cancelled warning not acknowledged,
 * call records, the closed-loop record, and the event stream that only reaches those the
 * server lets see a warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningDetail } from '../../src/lib/domain/api/warnings.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';
import { CHAOTIAN, DATAN, inHours, validWarning, YANGMU } from './helpers.ts';

type Refusal = { error: string; message: string; issues?: { path: string }[] };
type Issued = { id: string } & Refusal;

describe('warnings over REST', () => {
	let server: TestServer;
	let commander: TestSession,
		water: TestSession,
		chaotian: TestSession,
		datan: TestSession,
		field1: TestSession;

	beforeAll(async () => {
		server = await startTestServer({ SITROOM_STORE: 'memory' });
		const [a, b, c, d, e] = await Promise.all(
			['commander', 'water', 'chaotian', 'datan', 'field1'].map((u) => server.login(u))
		);
		[commander, water, chaotian, datan, field1] = [a!, b!, c!, d!, e!];
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const issue = (body: Record<string, unknown>, as = commander) =>
		call<Issued>(server.url, as, 'POST', '/api/warnings', body);
	const ack = (id: string, as: TestSession, body: Record<string, unknown> = {}) =>
		call<{ warning: WarningDetail } & Refusal>(server.url, as, 'POST', `/api/warnings/${id}/ack`, body);
	const detail = async (id: string, as = commander) =>
		(await call<{ warning: WarningDetail }>(server.url, as, 'GET', `/api/warnings/${id}`)).body.warning;

	it('a commander issues a warning: 201 with its id, and every target is listed unacknowledged', async () => {
		const res = await issue(validWarning());
		expect(res.status).toBe(201);
		const w = await detail(res.body.id);
		expect(w).toMatchObject({
			kind: 'warning',
			status: 'active',
			issuerOrgId: 'command-centre',
			targetCount: 2
		});
		expect(w.targets.map((t) => [t.orgId, t.acknowledgedAt, t.acknowledgedBy, t.escalatedAt])).toEqual([
			[CHAOTIAN, null, null, null],
			[DATAN, null, null, null]
		]);
		// The area defaults to the targets' townships.
		expect(w.current.area.townships).toEqual(['510812100', '510812101']);
		expect(w.current.identifier).toMatch(/^51081200000000_\d{14}_\d+$/);
		expect(Date.parse(w.targets[0]!.deadlineAt) - Date.parse(w.targets[0]!.reachedAt)).toBe(5 * 60_000);
	});

	it('refuses a township issuing, and an agency outside its field, by name; an agency issues in its own', async () => {
		expect((await issue(validWarning(), chaotian)).body.error).toBe('not-an-issuer');
		const outside = await issue(validWarning({ event: 'landslide' }), water);
		expect([outside.status, outside.body.error]).toEqual([403, 'outside-agency-field']);
		expect((await issue(validWarning({ event: 'flood', level: 'yellow' }), water)).status).toBe(201);
	});

	it('refuses bad input by name: unknown target, expiry in the past, no level, unknown village, bad body', async () => {
		const cases: [Record<string, unknown>, string][] = [
			[validWarning({ targets: ['twp-nowhere'] }), 'unknown-target'],
			[validWarning({ expires: inHours(-1) }), 'expiry-in-past'],
			[validWarning({ level: null }), 'level-required'],
			[validWarning({ area: { villages: ['510812999999'] } }), 'unknown-area'],
			[validWarning({ incidentId: 'inc-nope' }), 'unknown-incident'],
			[validWarning({ level: 'purple' }), 'invalid-request'],
			[validWarning({ targets: [] }), 'invalid-request']
		];
		for (const [body, code] of cases) {
			const res = await issue(body);
			expect([res.status, res.body.error], code).toEqual([400, code]);
		}
		expect((await call<Refusal>(server.url, null, 'POST', '/api/warnings', validWarning())).status).toBe(401);
	});

	it('an order needs no colour level', async () => {
		const res = await issue(validWarning({ kind: 'order', level: null, title: '立即转移沙河镇群众' }));
		expect(res.status).toBe(201);
		const w = await detail(res.body.id);
		expect(Date.parse(w.targets[0]!.deadlineAt) - Date.parse(w.targets[0]!.reachedAt)).toBe(10 * 60_000);
	});

	it("a target's staff acknowledge once (the first stands); anyone else is refused with 403", async () => {
		const { id } = (await issue(validWarning({ targets: [CHAOTIAN] }))).body;
		const device = new Date(Date.now() - 60_000).toISOString();
		const first = await ack(id, chaotian, { deviceAt: device });
		expect(first.status).toBe(201);
		const t = first.body.warning.targets[0]!;
		expect(t.acknowledgedByName).toBe('朝天镇值班员');
		expect(t.acknowledgedDeviceAt).toBe(device);
		expect(Math.abs(Date.parse(t.acknowledgedAt!) - Date.now())).toBeLessThan(10_000);
		const again = await ack(id, chaotian);
		expect([again.status, again.body.error]).toEqual([409, 'already-acknowledged']);
		expect((await detail(id)).targets[0]!.acknowledgedAt).toBe(t.acknowledgedAt);
		for (const who of [datan, field1, commander, water]) {
			const res = await ack(id, who);
			expect([res.status, res.body.error]).toEqual([403, 'not-a-target']);
		}
		expect((await ack('wrn-nope', chaotian)).status).toBe(404);
	});

	it('a cancelled warning is not acknowledged; only the issuer cancels, with a reason, and every version is kept', async () => {
		const { id } = (await issue(validWarning())).body;
		const update = await call<Refusal>(server.url, commander, 'POST', `/api/warnings/${id}/update`, {
			...validWarning({ title: '洪水红色预警(续发)' }),
			targets: undefined,
			kind: undefined
		});
		expect(update.status).toBe(200);
		const byOther = await call<Refusal>(server.url, water, 'POST', `/api/warnings/${id}/cancel`, {
			reason: '雨停'
		});
		expect([byOther.status, byOther.body.error]).toEqual([404, 'warning-not-found']);
		const byTarget = await call<Refusal>(server.url, chaotian, 'POST', `/api/warnings/${id}/cancel`, {
			reason: '雨停'
		});
		expect([byTarget.status, byTarget.body.error]).toEqual([403, 'not-the-issuer']);
		expect((await call(server.url, commander, 'POST', `/api/warnings/${id}/cancel`, {})).status).toBe(400);
		expect(
			(
				await call(server.url, commander, 'POST', `/api/warnings/${id}/cancel`, {
					reason: '降雨结束,水位回落'
				})
			).status
		).toBe(200);
		const res = await ack(id, datan);
		expect([res.status, res.body.error]).toEqual([409, 'warning-cancelled']);
		const w = await detail(id);
		expect(w.status).toBe('lifted');
		expect(w.versions.map((v) => [v.version, v.msgType, v.title, v.reason])).toEqual([
			[1, 'issue', '嘉陵江朝天段洪水红色预警', null],
			[2, 'update', '洪水红色预警(续发)', null],
			[3, 'cancel', '洪水红色预警(续发)', '降雨结束,水位回落']
		]);
		const again = await call<Refusal>(server.url, commander, 'POST', `/api/warnings/${id}/cancel`, {
			reason: 'x'
		});
		expect([again.status, again.body.error]).toEqual([409, 'warning-cancelled']);
	});

	it('records calls (叫应记录) by the target or the issuer, and exports the closed loop as CSV', async () => {
		const { id } = (await issue(validWarning({ targets: [CHAOTIAN, YANGMU] }))).body;
		const callBody = {
			orgId: YANGMU,
			direction: 'outgoing',
			caller: '指挥中心值班员',
			callee: '羊木镇带班领导',
			phone: '13900000001',
			at: new Date().toISOString(),
			answered: false,
			note: '无人接听'
		};
		expect((await call(server.url, commander, 'POST', `/api/warnings/${id}/calls`, callBody)).status).toBe(
			201
		);
		const byOther = await call<Refusal>(server.url, datan, 'POST', `/api/warnings/${id}/calls`, callBody);
		expect(byOther.status).toBe(404);
		const bad = await call<Refusal>(server.url, commander, 'POST', `/api/warnings/${id}/calls`, {
			...callBody,
			orgId: DATAN
		});
		expect([bad.status, bad.body.error]).toEqual([400, 'not-a-target']);
		await ack(id, chaotian);
		const w = await detail(id);
		expect(w.calls.map((c) => [c.orgId, c.answered, c.recordedBy])).toEqual([[YANGMU, false, '值班指挥长']]);
		const csv = await fetch(`${server.url}/api/warnings/${id}/record.csv`, { headers: commander.headers });
		expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
		const text = await csv.text();
		expect(text).toContain('acknowledged,朝天镇指挥分平台');
		expect(text).toContain('call-outgoing,羊木镇指挥分平台');
	});

	it('a township reads only the warnings that target it; the list filters what it still has to acknowledge', async () => {
		const mine = (await issue(validWarning({ targets: [DATAN], title: '只给大滩' }))).body.id;
		const other = (await issue(validWarning({ targets: [YANGMU], title: '只给羊木' }))).body.id;
		expect((await call(server.url, datan, 'GET', `/api/warnings/${other}`)).status).toBe(404);
		const list = await call<{ warnings: { id: string }[] }>(
			server.url,
			datan,
			'GET',
			'/api/warnings?unacknowledged=1'
		);
		const ids = list.body.warnings.map((w) => w.id);
		expect(ids).toContain(mine);
		expect(ids).not.toContain(other);
		await ack(mine, datan);
		const after = await call<{ warnings: { id: string }[] }>(
			server.url,
			datan,
			'GET',
			'/api/warnings?unacknowledged=1'
		);
		expect(after.body.warnings.map((w) => w.id)).not.toContain(mine);
	});

	it('the event stream tells a target of a warning for it at once, and nothing of one for others', async () => {
		const res = await fetch(`${server.url}/api/warnings/events`, { headers: { cookie: datan.cookie } });
		expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
		const reader = res.body!.getReader();
		const seen: string[] = [];
		const reading = (async () => {
			const dec = new TextDecoder();
			for (;;) {
				const { value, done } = await reader.read();
				if (done) return;
				for (const m of dec.decode(value).matchAll(/data: (.+)/g)) seen.push(m[1]!);
			}
		})();
		const notMine = (await issue(validWarning({ targets: [YANGMU] }))).body.id;
		const mine = (await issue(validWarning({ targets: [DATAN] }))).body.id;
		await ack(mine, datan);
		const deadline = Date.now() + 5000;
		while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
		await reader.cancel();
		await reading.catch(() => undefined);
		const events = seen.map((s) => JSON.parse(s) as { type: string; warningId: string });
		expect(events.map((e) => [e.type, e.warningId])).toEqual([
			['issued', mine],
			['acknowledged', mine]
		]);
		expect(events.some((e) => e.warningId === notMine)).toBe(false);
	});

	// Regression: an open event stream (every signed-in page holds one) kept the HTTP server's
	// close, and so the shutdown, waiting for as long as the page stayed open.
	it('ends open event streams when the server stops, so a restart is not held up by open pages', async () => {
		const own = await startTestServer({ SITROOM_STORE: 'memory' });
		try {
			const session = await own.login('datan');
			const res = await fetch(`${own.url}/api/warnings/events`, { headers: { cookie: session.cookie } });
			const reader = res.body!.getReader();
			await reader.read(); // ': connected'
			const ended = (async () => {
				for (;;) if ((await reader.read()).done) return 'ended';
			})().catch(() => 'ended');
			const stopped = own.stop().then(() => 'stopped');
			const timeout = new Promise((r) => setTimeout(() => r('still open'), 8_000));
			expect(await Promise.race([stopped, timeout])).toBe('stopped');
			expect(await ended).toBe('ended');
		} finally {
			await own.stop();
		}
	});
});
