/**
 * Warnings on several nodes, with real server processes on one PostgreSQL schema and a Redis of
 * the test's own: a page's event stream on one node hears of a warning issued on another (once);
 * Redis down neither blocks nor fails an issue, and the streams end after Redis is back so their
 * pages re-read; with both nodes' escalation clocks and webhook outboxes running, each missed
 * deadline is escalated once and each webhook delivery is sent once (a local receiver counts).
 */
import fs from 'node:fs';
import http from 'node:http';
import { expect, it } from 'vitest';
import type { WarningEvent } from '../../src/lib/domain/api/warnings.ts';
import { loginAt, type TestSession } from '../helpers/auth.ts';
import { eventually } from '../helpers/clients.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { describeRedis } from '../helpers/redis.ts';
import { countyWith } from '../helpers/county.ts';
import { CHAOTIAN, validWarning, YANGMU } from '../warnings/helpers.ts';
import { sleep, topologiesPerTest } from './cluster-helpers.ts';

interface Stream {
	events: WarningEvent[];
	/** Resolves when the server ended the stream. */
	ended: Promise<void>;
	close(): void;
}

/** A page's event stream (GET /api/warnings/events), read as raw server-sent events. */
async function openStream(url: string, cookie: string): Promise<Stream> {
	const abort = new AbortController();
	const res = await fetch(`${url}/api/warnings/events`, { headers: { cookie }, signal: abort.signal });
	expect(res.status).toBe(200);
	const events: WarningEvent[] = [];
	const reader = res.body!.getReader();
	const decoder = new TextDecoder();
	const ended = (async () => {
		let buffer = '';
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			buffer += decoder.decode(value, { stream: true });
			let end: number;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const block = buffer.slice(0, end).split('\n');
				buffer = buffer.slice(end + 2);
				const data = block.find((l) => l.startsWith('data: '));
				if (block.includes('event: warning') && data) events.push(JSON.parse(data.slice(6)) as WarningEvent);
			}
		}
	})().catch(() => undefined);
	return { events, ended, close: () => abort.abort() };
}

async function issue(url: string, s: TestSession, over: Record<string, unknown> = {}): Promise<string> {
	const res = await fetch(`${url}/api/warnings`, {
		method: 'POST',
		headers: s.headers,
		body: JSON.stringify(validWarning(over))
	});
	expect(res.status).toBe(201);
	return ((await res.json()) as { id: string }).id;
}

/** Polls an async check until it holds (or throws when the time is up). */
async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
	const t0 = Date.now();
	while (!(await check())) {
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
		await sleep(100);
	}
}

const SECRET = 'sms-secret-0123456789abcdef';

/** A webhook receiver that answers 200 and counts each delivery (by its id) it got. */
async function receiver(): Promise<{ url: string; deliveries: Map<string, number>; close(): Promise<void> }> {
	const deliveries = new Map<string, number>();
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => {
			const id = String(req.headers['x-sitroom-delivery']);
			deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
			res.writeHead(200).end('ok');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/sms`,
		deliveries,
		close: () => new Promise((r) => server.close(() => r()))
	};
}

describePostgres('warnings on several nodes', () => {
	describeRedis('real processes', () => {
		const { cleanup, open } = topologiesPerTest();
		const stream = async (url: string, cookie: string): Promise<Stream> => {
			const s = await openStream(url, cookie);
			cleanup.push(() => s.close());
			return s;
		};
		const ofWarning = (s: Stream, id: string, type: WarningEvent['type']) =>
			s.events.filter((e) => e.warningId === id && e.type === type).length;

		it('[warn-nodes-1] a page on node 2 hears of a warning issued on node 1, and each page hears it once', async () => {
			const t = await open();
			const n1 = await t.start();
			const n2 = await t.start();
			const commander1 = await loginAt(n1.url, 'commander');
			const commander2 = await loginAt(n2.url, 'commander');
			const chaotian2 = await loginAt(n2.url, 'chaotian');
			const on1 = await stream(n1.url, commander1.cookie);
			const on2 = await stream(n2.url, commander2.cookie);
			const target2 = await stream(n2.url, chaotian2.cookie);
			const t0 = Date.now();
			const id = await issue(n1.url, commander1, { targets: [CHAOTIAN] });
			await eventually(() => ofWarning(on2, id, 'issued') === 1, 5000, 'node 2’s page heard of it');
			await eventually(() => ofWarning(target2, id, 'issued') === 1, 5000, 'the target’s page too');
			const ms = Date.now() - t0;
			// The way back: acknowledged on node 2, heard on node 1.
			const ack = await fetch(`${n2.url}/api/warnings/${id}/ack`, {
				method: 'POST',
				headers: chaotian2.headers,
				body: '{}'
			});
			expect(ack.status).toBe(201);
			await eventually(() => ofWarning(on1, id, 'acknowledged') === 1, 5000, 'node 1’s page heard the ack');
			await sleep(500);
			// Never twice: the issuing node's own page, and the other node's pages.
			expect(ofWarning(on1, id, 'issued')).toBe(1);
			expect(ofWarning(on2, id, 'issued')).toBe(1);
			expect(ofWarning(on2, id, 'acknowledged')).toBe(1);
			expect(ofWarning(target2, id, 'acknowledged')).toBe(1);
			console.log(`[warn-nodes-1] issued on node 1, heard on node 2 after ${ms} ms`);
		});

		it('[warn-nodes-2] Redis down: the issue neither blocks nor fails; once Redis is back, the other node’s streams end so their pages re-read', async () => {
			const t = await open();
			const n1 = await t.start();
			const n2 = await t.start();
			const commander1 = await loginAt(n1.url, 'commander');
			const commander2 = await loginAt(n2.url, 'commander');
			const on1 = await stream(n1.url, commander1.cookie);
			const on2 = await stream(n2.url, commander2.cookie);
			await t.redis.stop();
			const t0 = Date.now();
			const id = await issue(n1.url, commander1);
			const issueMs = Date.now() - t0;
			expect(issueMs).toBeLessThan(3000);
			// This node's own page hears of it at once.
			await eventually(() => ofWarning(on1, id, 'issued') === 1, 2000, 'node 1’s page heard of it');
			// It is in the database: node 2 reads it.
			const read = await fetch(`${n2.url}/api/warnings/${id}`, { headers: { cookie: commander2.cookie } });
			expect(read.status).toBe(200);
			await t.redis.restart();
			let ended = false;
			void on2.ended.then(() => (ended = true));
			await eventually(() => ended, 15_000, 'node 2’s stream ended after Redis came back');
			// A new stream on node 2 hears of what is issued next on node 1.
			const again = await stream(n2.url, commander2.cookie);
			await waitFor(
				async () => {
					const next = await issue(n1.url, commander1);
					await sleep(300);
					return ofWarning(again, next, 'issued') === 1;
				},
				15_000,
				'events cross nodes again'
			);
			console.log(`[warn-nodes-2] issue with Redis down answered in ${issueMs} ms`);
		});

		it('[warn-nodes-3] two nodes’ deadline loops on one database: each escalation happens once, each webhook delivery is sent once', async () => {
			const rx = await receiver();
			cleanup.push(() => rx.close());
			const county = countyWith([
				{
					name: 'sms',
					url: rx.url,
					events: ['issued', 'escalated'],
					secretEnv: 'WARNING_WEBHOOK_SECRET_SMS',
					backoffMs: 100,
					timeoutMs: 2000,
					maxAttempts: 3
				}
			]);
			cleanup.push(() => fs.rmSync(county, { recursive: true, force: true }));
			const t = await open({
				JURISDICTION_DIR: county,
				WARNING_ACK_LIMITS: 'red=2',
				WARNING_WEBHOOK_SECRET_SMS: SECRET
			});
			const n1 = await t.start();
			const n2 = await t.start();
			const c1 = await loginAt(n1.url, 'commander');
			const c2 = await loginAt(n2.url, 'commander');
			const ids: string[] = [];
			for (let i = 0; i < 6; i++)
				ids.push(
					await issue(i % 2 === 0 ? n1.url : n2.url, i % 2 === 0 ? c1 : c2, { targets: [CHAOTIAN, YANGMU] })
				);
			// Nobody acknowledges: after 2 s each of the 12 targets is escalated, and handed to the hook.
			const expected = ids.length + ids.length * 2;
			await waitFor(
				async () => {
					const [row] = await t.query<{ n: number }>(
						`SELECT count(*)::int AS n FROM $schema.warning_dispatches WHERE outcome = 'delivered'`
					);
					return (row?.n ?? 0) >= expected;
				},
				30_000,
				'every issue and escalation delivered'
			);
			await sleep(1500);
			const escalations = await t.query<{ warning_id: string; org_id: string; n: number }>(
				'SELECT warning_id, org_id, count(*)::int AS n FROM $schema.warning_escalations GROUP BY 1, 2'
			);
			expect(escalations).toHaveLength(ids.length * 2);
			expect(escalations.every((e) => e.n === 1)).toBe(true);
			const rows = await t.query<{ id: string; attempts: number }>(
				'SELECT id, attempts FROM $schema.warning_dispatches'
			);
			expect(rows).toHaveLength(expected);
			expect(rows.every((r) => r.attempts === 1)).toBe(true);
			// The receiver got each delivery exactly once.
			expect(rx.deliveries.size).toBe(expected);
			expect([...rx.deliveries.values()].every((n) => n === 1)).toBe(true);
			expect(new Set(rows.map((r) => r.id))).toEqual(new Set(rx.deliveries.keys()));
			// Both nodes' loops were at work (each escalated or delivered something), not one alone.
			const worked = (logs: Array<Record<string, unknown>>) =>
				logs.filter((l) => l.msg === 'warning target escalated' || l.msg === 'webhook delivered').length;
			console.log(`[warn-nodes-3] node 1 did ${worked(n1.logs)}, node 2 did ${worked(n2.logs)} of the work`);
			expect(worked(n1.logs)).toBeGreaterThan(0);
			expect(worked(n2.logs)).toBeGreaterThan(0);
		});
	});
});
