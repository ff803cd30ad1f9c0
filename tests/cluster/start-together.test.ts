/**
 * Nodes started together, as real processes on one empty PostgreSQL schema and a Redis of the
 * test's own: both seed the demo at the same moment, and neither may fail (the seeding runs under
 * a PostgreSQL advisory lock and re-checks what is there); the demo accounts and the demo incident
 * exist once, and a session made on one node is taken by the other.
 */
import { afterEach, expect, it } from 'vitest';
import { loginAt } from '../helpers/auth.ts';
import { describePostgres } from '../helpers/postgres.ts';
import { describeRedis } from '../helpers/redis.ts';
import { topology, type Topology } from './cluster-helpers.ts';

describePostgres('nodes started together', () => {
	describeRedis('real processes', () => {
		const cleanup: Array<() => Promise<void> | void> = [];
		afterEach(async () => {
			for (const c of cleanup.splice(0).reverse()) await c();
		});
		const open = async (env: Record<string, string> = {}): Promise<Topology> => {
			const t = await topology(env);
			cleanup.push(() => t.dispose());
			return t;
		};

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
	});
});
