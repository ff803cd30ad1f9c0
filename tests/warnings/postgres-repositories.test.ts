/**
 * The warnings' and the duty roster's PostgreSQL repositories pass the same contracts as SQLite's
 * (each case on emptied tables of a schema of this file's own), and two nodes on one database
 * escalate each target once.
 */
import { expect, it } from 'vitest';
import { PgDutyRepository } from '../../server/duty/postgres/duty-repository.ts';
import { dutyPgMigrations } from '../../server/duty/postgres/schema.ts';
import { PgWarningRepository } from '../../server/warnings/postgres/warning-repository.ts';
import { warningPgMigrations } from '../../server/warnings/postgres/schema.ts';
import { describeDutyRepositoryContract } from '../duty/duty-repository-contract.ts';
import { describePostgres, emptiedSchemaPerCase, openTestPool } from '../helpers/postgres.ts';
import { openPgPool } from '../../server/store/postgres/database.ts';
import { TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { describeWarningRepositoryContract, version } from './warning-repository-contract.ts';

const MIGRATIONS = [...warningPgMigrations, ...dutyPgMigrations];

describePostgres('PostgreSQL', () => {
	const fresh = emptiedSchemaPerCase(MIGRATIONS);
	describeWarningRepositoryContract('PgWarningRepository', async () => {
		const { pool, dispose } = await fresh();
		return { repo: new PgWarningRepository(pool), dispose };
	});
	describeDutyRepositoryContract('PgDutyRepository', async () => {
		const { pool, dispose } = await fresh();
		return { repo: new PgDutyRepository(pool), dispose };
	});

	it('two nodes (two pools on one database) escalating the same due targets at once escalate each once', async () => {
		const node1 = await openTestPool(MIGRATIONS);
		const node2 = await openPgPool({
			url: TEST_DATABASE_URL,
			schema: node1.schema,
			migrations: MIGRATIONS,
			max: 4,
			unsafeNoSync: true
		});
		try {
			const a = new PgWarningRepository(node1.pool);
			const b = new PgWarningRepository(node2);
			const T0 = Date.parse('2026-07-12T06:00:00Z');
			const targets = Array.from({ length: 20 }, (_, i) => `twp-${i}`);
			await a.create(
				{ id: 'w1', kind: 'warning', issuerOrgId: 'cc', incidentId: null, createdAt: T0 },
				version('w1', 1),
				targets.map((orgId) => ({ warningId: 'w1', orgId, reachedAt: T0, deadlineAt: T0 + 1000 }))
			);
			// Each node runs what its timer would: read the due targets, escalate each.
			const pass = async (repo: PgWarningRepository, node: string) => {
				let won = 0;
				for (const due of await repo.dueTargets(T0 + 2000))
					if (await repo.escalate({ ...due, at: T0 + 2000, leaderName: node, leaderPhone: null })) won++;
				return won;
			};
			const [won1, won2] = await Promise.all([pass(a, 'node1'), pass(b, 'node2')]);
			expect(won1 + won2).toBe(20);
			const rec = await b.record('w1');
			expect(rec!.escalations).toHaveLength(20);
			expect(new Set(rec!.escalations.map((e) => e.orgId)).size).toBe(20);
			expect(rec!.targets.every((t) => t.escalatedAt === T0 + 2000)).toBe(true);
			expect(await a.nextDeadline()).toBeNull();
		} finally {
			await node2.end();
			await node1.dispose();
		}
	});
});
