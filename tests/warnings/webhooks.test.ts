/**
 * Outbound webhooks (hand-off to SMS and voice-call platforms) against a real HTTP receiver
 * started by the test: an issue and an escalation reach the hooks that take them, signed with the
 * hook's HMAC secret; a failed attempt is retried after its backoff and a hook that keeps failing
 * is given up after its last attempt; every attempt and its answer is a call record of the
 * warning. A hook without its secret stops the start; without hooks nothing is sent and the
 * server says so.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { WarningDetail } from '../../src/lib/domain/api/warnings.ts';
import { signature } from '../../server/warnings/webhooks.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { countyWith } from '../helpers/county.ts';
import { call } from '../incidents/helpers.ts';
import { CHAOTIAN, until, validWarning, YANGMU } from './helpers.ts';

interface Received {
	path: string;
	at: number;
	headers: http.IncomingHttpHeaders;
	body: string;
	answered: number;
}

const SMS_SECRET = 'sms-secret-0123456789abcdef';
const VOICE_SECRET = 'voice-secret-0123456789abcdef';

/** A receiver: /sms fails its first request with 500, then takes everything; /voice always 503. */
async function receiver(): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
	const got: Received[] = [];
	let smsCalls = 0;
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString('utf8')));
		req.on('end', () => {
			let status = 200;
			if (req.url === '/sms') status = smsCalls++ === 0 ? 500 : 200;
			if (req.url === '/voice') status = 503;
			got.push({ path: req.url ?? '', at: Date.now(), headers: req.headers, body, answered: status });
			res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'queued' : 'busy');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		got,
		close: () => new Promise((r) => server.close(() => r()))
	};
}

describe('outbound webhooks', () => {
	let server: TestServer | undefined;
	const cleanups: Array<() => Promise<void> | void> = [];
	afterEach(async () => {
		await server?.dispose();
		server = undefined;
		for (const c of cleanups.splice(0)) await c();
	});

	it('hands the issue and the escalation to the hooks, signed, retried with backoff, each attempt recorded', async () => {
		const rx = await receiver();
		cleanups.push(() => rx.close());
		const county = countyWith([
			{
				name: 'sms',
				url: `${rx.url}/sms`,
				events: ['issued', 'escalated', 'cancelled'],
				secretEnv: 'WARNING_WEBHOOK_SECRET_SMS',
				backoffMs: 300,
				timeoutMs: 2000,
				maxAttempts: 3
			},
			{
				name: 'voice',
				url: `${rx.url}/voice`,
				events: ['escalated'],
				secretEnv: 'WARNING_WEBHOOK_SECRET_VOICE',
				backoffMs: 100,
				timeoutMs: 2000,
				maxAttempts: 2
			}
		]);
		cleanups.push(() => fs.rmSync(county, { recursive: true, force: true }));
		server = await startTestServer({
			SITROOM_STORE: 'memory',
			JURISDICTION_DIR: county,
			WARNING_ACK_LIMITS: 'red=1',
			WARNING_WEBHOOK_SECRET_SMS: SMS_SECRET,
			WARNING_WEBHOOK_SECRET_VOICE: VOICE_SECRET
		});
		const s = server;
		const commander = await s.login('commander');
		const chaotian = await s.login('chaotian');
		const shift = await call(s.url, commander, 'POST', `/api/duty/${YANGMU}/shifts`, {
			startsAt: new Date(Date.now() - 3_600_000).toISOString(),
			endsAt: new Date(Date.now() + 3_600_000).toISOString(),
			officerName: '羊木值班员',
			officerPhone: '0839-8600001',
			leaderName: '羊木带班领导',
			leaderPhone: '13900000003'
		});
		expect(shift.status).toBe(201);
		const issued = await call<{ id: string }>(
			s.url,
			commander,
			'POST',
			'/api/warnings',
			validWarning({ targets: [CHAOTIAN, YANGMU] })
		);
		expect(issued.status).toBe(201);
		const id = issued.body.id;
		expect((await call(s.url, chaotian, 'POST', `/api/warnings/${id}/ack`, {})).status).toBe(201);

		// issued: 500 then 200 on /sms; escalated (YANGMU): 200 on /sms, 503 twice on /voice.
		await until(() => {
			expect(rx.got.map((g) => `${g.path} ${g.headers['x-sitroom-event']} ${g.answered}`).sort()).toEqual(
				[
					'/sms issued 500',
					'/sms issued 200',
					'/sms escalated 200',
					'/voice escalated 503',
					'/voice escalated 503'
				].sort()
			);
			return Promise.resolve();
		}, 15_000);

		for (const g of rx.got) {
			const secret = g.path === '/sms' ? SMS_SECRET : VOICE_SECRET;
			expect(g.headers['content-type']).toBe('application/json');
			expect(g.headers['x-sitroom-signature']).toBe(
				signature(secret, String(g.headers['x-sitroom-timestamp']), g.body)
			);
			// A signature made with another secret does not match.
			expect(g.headers['x-sitroom-signature']).not.toBe(
				signature('wrong-secret-0123456789', String(g.headers['x-sitroom-timestamp']), g.body)
			);
		}
		const issuedTries = rx.got.filter((g) => g.headers['x-sitroom-event'] === 'issued');
		expect(issuedTries.map((g) => g.headers['x-sitroom-attempt'])).toEqual(['1', '2']);
		// The same delivery, the same body, retried after its backoff.
		expect(issuedTries[1]!.headers['x-sitroom-delivery']).toBe(issuedTries[0]!.headers['x-sitroom-delivery']);
		expect(issuedTries[1]!.body).toBe(issuedTries[0]!.body);
		expect(issuedTries[1]!.at - issuedTries[0]!.at).toBeGreaterThanOrEqual(280);
		const issue = JSON.parse(issuedTries[0]!.body) as {
			event: string;
			warning: { id: string; title: string; level: string; msgType: string; identifier: string };
			recipients: { orgId: string; onDuty: { leaderName: string; leaderPhone: string } | null }[];
		};
		expect(issue.event).toBe('issued');
		expect(issue.warning).toMatchObject({
			id,
			title: '嘉陵江朝天段洪水红色预警',
			level: 'red',
			msgType: 'issue'
		});
		expect(issue.warning.identifier).toMatch(/^51081200000000_\d{14}_\d+$/);
		expect(issue.recipients.map((r) => [r.orgId, r.onDuty?.leaderPhone ?? null])).toEqual([
			[CHAOTIAN, null],
			[YANGMU, '13900000003']
		]);
		const esc = JSON.parse(
			rx.got.find((g) => g.path === '/sms' && g.headers['x-sitroom-event'] === 'escalated')!.body
		) as {
			escalation: { orgId: string; leaderName: string; leaderPhone: string };
			recipients: { orgId: string }[];
		};
		expect(esc.escalation).toMatchObject({
			orgId: YANGMU,
			leaderName: '羊木带班领导',
			leaderPhone: '13900000003'
		});
		expect(esc.recipients.map((r) => r.orgId)).toEqual([YANGMU]);

		// Every attempt is a call record of the warning, with its answer.
		const w = await until(async () => {
			const d = (await call<{ warning: WarningDetail }>(s.url, commander, 'GET', `/api/warnings/${id}`)).body
				.warning;
			expect(d.calls.filter((c) => c.callee.startsWith('webhook:'))).toHaveLength(5);
			return d;
		});
		const hookCalls = w.calls.filter((c) => c.callee.startsWith('webhook:'));
		expect(
			hookCalls.map((c) => [c.callee, c.answered, c.note.split(' · ').slice(0, 3).join(' · ')]).sort()
		).toEqual(
			[
				['webhook:sms', false, 'issued · attempt 1 · HTTP 500 busy'],
				['webhook:sms', true, 'issued · attempt 2 · HTTP 200 queued'],
				['webhook:sms', true, 'escalated · attempt 1 · HTTP 200 queued'],
				['webhook:voice', false, 'escalated · attempt 1 · HTTP 503 busy'],
				['webhook:voice', false, 'escalated · attempt 2 · HTTP 503 busy']
			].sort()
		);
		expect(hookCalls.find((c) => c.note.startsWith('escalated'))!.orgId).toBe(YANGMU);
		// The voice hook was given up after its two attempts: nothing more arrives.
		await new Promise((r) => setTimeout(r, 600));
		expect(rx.got.filter((g) => g.path === '/voice')).toHaveLength(2);
	});

	it('refuses to start when a hook has no secret; without hooks, sends nothing and says so', async () => {
		const county = countyWith([
			{
				name: 'sms',
				url: 'http://127.0.0.1:9/sms',
				events: ['issued'],
				secretEnv: 'WARNING_WEBHOOK_SECRET_SMS'
			}
		]);
		cleanups.push(() => fs.rmSync(county, { recursive: true, force: true }));
		await expect(startTestServer({ SITROOM_STORE: 'memory', JURISDICTION_DIR: county })).rejects.toThrow(
			/webhook "sms" needs its HMAC secret .* in WARNING_WEBHOOK_SECRET_SMS/
		);

		const logs: Array<Record<string, unknown>> = [];
		const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
		server = await startTestServer({ SITROOM_STORE: 'memory' }, { log });
		expect(logs.some((l) => String(l.msg).startsWith('no outbound webhooks in warnings.json'))).toBe(true);
	});
	it('a retry waiting in the outbox is sent after a restart', async () => {
		const rx = await receiver();
		cleanups.push(() => rx.close());
		const county = countyWith([
			{
				name: 'sms',
				url: `${rx.url}/sms`,
				events: ['issued'],
				secretEnv: 'WARNING_WEBHOOK_SECRET_SMS',
				backoffMs: 1500
			}
		]);
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitroom-webhooks-'));
		cleanups.push(() => fs.rmSync(county, { recursive: true, force: true }));
		cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const env = { JURISDICTION_DIR: county, WARNING_WEBHOOK_SECRET_SMS: SMS_SECRET };
		server = await startTestServer(env, { dataDir, keepData: true });
		const commander = await server.login('commander');
		const issued = await call<{ id: string }>(server.url, commander, 'POST', '/api/warnings', validWarning());
		expect(issued.status).toBe(201);
		await until(() => {
			expect(rx.got).toHaveLength(1);
			return Promise.resolve();
		});
		expect(rx.got[0]!.answered).toBe(500);
		// Down before the retry is due; the row waits in the database.
		await server.stop();
		server = undefined;
		await new Promise((r) => setTimeout(r, 1600));
		expect(rx.got).toHaveLength(1);
		server = await startTestServer(env, { dataDir, keepData: true });
		await until(() => {
			expect(rx.got.map((g) => [g.headers['x-sitroom-attempt'], g.answered])).toEqual([
				['1', 500],
				['2', 200]
			]);
			return Promise.resolve();
		});
		expect(rx.got[1]!.headers['x-sitroom-delivery']).toBe(rx.got[0]!.headers['x-sitroom-delivery']);
	});
});
