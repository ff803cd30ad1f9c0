/**
 * Nodes started together, as real processes on one empty PostgreSQL schema and a Redis of the
 * test's own: both seed the demo at the same moment, and neither may fail (the seeding runs under
 * a PostgreSQL advisory lock and re-checks what is there); the demo accounts and the demo incident
 * exist once. And a node started later with SITROOM_DEMO=0 (production mode) on the same database:
 * a real account's session made on the first node is taken by it; the demo accounts are ended for
 * every node (production mode deactivates them and revokes their sessions, in the shared database),
 * which is what a session of a demo account refused on the later node was.
 */
import { expect, it } from 'vitest';
import { loginAt } from '../helpers/auth.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { describeRedis } from '../helpers/redis.ts';
import { sleep, topologiesPerTest } from './cluster-helpers.ts';

describePostgres('nodes started together', () => {
	describeRedis('real processes', () => {
		const { open } = topologiesPerTest();

		it('[start-1] three nodes started at once on an empty database all start; the demo is seeded once', async () => {
			const t = await open();
			const nodes = await Promise.all([t.start(), t.start(), t.start()]);
			const users = await t.query<{ username: string; n: number }>(
				'SELECT username, count(*)::int AS n FROM $schema.users GROUP BY 1'
			);
			expect(users.length).toBeGreaterThan(0);
			expect(users.every((u) => u.n === 1)).toBe(true);
			const incidents = await t.query<{ id: string }>('SELECT id FROM $schema.incidents');
			expect(incidents.map((i) => i.id)).toEqual(['inc-demo-jialing']);
			// One node made the demo incident; each node says demo mode is ready.
			const created = nodes.filter((n) => n.logs.some((l) => l.msg === 'demo incident created'));
			expect(created).toHaveLength(1);
			for (const n of nodes) {
				const res = await fetch(`${n.url}/api/incidents`, {
					headers: { cookie: (await loginAt(nodes[0]!.url, 'commander')).cookie }
				});
				expect(res.status).toBe(200);
				const body = (await res.json()) as { incidents: Array<{ id: string }> };
				expect(body.incidents.map((i) => i.id)).toEqual(['inc-demo-jialing']);
			}
		});

		it('[start-2] a later node with SITROOM_DEMO=0 takes a real account’s session from the first node; demo accounts end on every node', async () => {
			const t = await open();
			const n1 = await t.start();
			const admin = await loginAt(n1.url, 'admin');
			const created = await fetch(`${n1.url}/api/users`, {
				method: 'POST',
				headers: admin.headers,
				body: JSON.stringify({
					username: 'duty-officer',
					displayName: '值班员',
					orgId: 'command-centre',
					role: 'commander',
					password: 'Zhi-ban-2026-ok'
				})
			});
			expect(created.status).toBe(201);
			const real = await loginAt(n1.url, 'duty-officer', 'Zhi-ban-2026-ok');
			const demo = await loginAt(n1.url, 'commander');
			const status = async (url: string, cookie: string) =>
				(await fetch(`${url}/api/session`, { headers: { cookie } })).status;
			expect(await status(n1.url, demo.cookie)).toBe(200);
			const n2 = await t.start({ SITROOM_DEMO: '0', SITROOM_DEMO_PASSWORD: 'production-password-2026' });
			// The real account's session works on both nodes, again and again.
			for (let i = 0; i < 5; i++) {
				expect(await status(n2.url, real.cookie)).toBe(200);
				expect(await status(n1.url, real.cookie)).toBe(200);
				await sleep(100);
			}
			// The demo account's session ends everywhere, and the production node said why.
			expect(await status(n2.url, demo.cookie)).toBe(401);
			expect(await status(n1.url, demo.cookie)).toBe(401);
			expect(
				n2.logs.some(
					(l) =>
						l.msg === 'production mode: deactivated a demo account left from a demo run' &&
						l.username === 'commander'
				)
			).toBe(true);
		});
	});
});
