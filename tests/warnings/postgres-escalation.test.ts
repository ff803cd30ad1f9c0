/**
 * Warnings on PostgreSQL end to end: two real servers (two nodes) on one database. A warning
 * issued on one is acknowledged on the other; both are stopped before the deadline, and when both
 * start again at once, each running its escalation timer, the target that did not acknowledge is
 * escalated exactly once (the claim is made in the database), with its leader on duty named.
 */
import fs from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import type { WarningDetail } from '../../src/lib/domain/api/warnings.ts';
import { describePostgres, dropSchema, freshSchemaName, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';
import { CHAOTIAN, until, validWarning, YANGMU } from './helpers.ts';

describePostgres('warnings on PostgreSQL, two nodes', () => {
	const servers: TestServer[] = [];
	const schemas: string[] = [];
	afterEach(async () => {
		for (const s of servers.splice(0)) await s.dispose().catch(() => undefined);
		for (const s of schemas.splice(0)) await dropSchema(s);
	});

	it('a warning issued on one node is acknowledged on the other; after both restart at once, the silent target is escalated once', async () => {
		const schema = freshSchemaName();
		schemas.push(schema);
		const env = {
			DATABASE_URL: TEST_DATABASE_URL,
			DATABASE_SCHEMA: schema,
			WARNING_ACK_LIMITS: 'red=3'
		};
		const start = async () => {
			const dataDir = tempDataDir('sitroom-pg-warnings-');
			const s = await startTestServer(env, { dataDir });
			servers.push(s);
			return s;
		};
		const a = await start();
		const b = await start();
		const commanderA = await a.login('commander');
		const chaotianB = await b.login('chaotian');
		const shift = await call(a.url, commanderA, 'POST', `/api/duty/${YANGMU}/shifts`, {
			startsAt: new Date(Date.now() - 3_600_000).toISOString(),
			endsAt: new Date(Date.now() + 3_600_000).toISOString(),
			officerName: '羊木值班员',
			officerPhone: '0839-8600001',
			leaderName: '羊木带班领导',
			leaderPhone: '13900000003'
		});
		expect(shift.status).toBe(201);
		const issued = await call<{ id: string }>(
			a.url,
			commanderA,
			'POST',
			'/api/warnings',
			validWarning({ targets: [CHAOTIAN, YANGMU] })
		);
		expect(issued.status).toBe(201);
		const id = issued.body.id;
		// The other node reads it from the same database, and takes the acknowledgement.
		expect((await call(b.url, chaotianB, 'POST', `/api/warnings/${id}/ack`, {})).status).toBe(201);
		const before = (await call<{ warning: WarningDetail }>(a.url, commanderA, 'GET', `/api/warnings/${id}`))
			.body.warning;
		const deadline = Date.parse(before.targets.find((t) => t.orgId === YANGMU)!.deadlineAt);
		expect(before.targets.find((t) => t.orgId === CHAOTIAN)!.acknowledgedAt).not.toBeNull();

		for (const s of servers.splice(0)) await s.dispose();
		expect(Date.now()).toBeLessThan(deadline);
		await new Promise((r) => setTimeout(r, deadline - Date.now() + 300));
		// Both nodes start at once; each one's timer finds the passed deadline at start.
		const [a2, b2] = await Promise.all([start(), start()]);
		const commander = await b2.login('commander');
		const w = await until(async () => {
			const d = (await call<{ warning: WarningDetail }>(b2.url, commander, 'GET', `/api/warnings/${id}`)).body
				.warning;
			expect(d.targets.find((t) => t.orgId === YANGMU)!.escalatedAt).not.toBeNull();
			return d;
		});
		// Give the other node's pass time to finish too, then count.
		await new Promise((r) => setTimeout(r, 1000));
		const after = (await call<{ warning: WarningDetail }>(a2.url, commander, 'GET', `/api/warnings/${id}`))
			.body.warning;
		expect(after.escalations.map((e) => [e.orgId, e.leaderName, e.leaderPhone])).toEqual([
			[YANGMU, '羊木带班领导', '13900000003']
		]);
		expect(w.targets.find((t) => t.orgId === CHAOTIAN)!.escalatedAt).toBeNull();
		// Nothing about warnings was written to a SQLite file.
		for (const s of [a2, b2]) expect(fs.existsSync(`${s.dataDir}/sitroom.db`)).toBe(false);
	});
});
