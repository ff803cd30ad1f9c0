/**
 * A register of 10,000 rows lists, filters and searches in under 200 ms on the server (through the
 * service, as the REST route calls it), on a SQLite file as the server runs it and on PostgreSQL.
 * The figures are printed; the 200 ms bound is the issue's, far above what is measured (a few ms),
 * so a loaded machine does not make the test flaky.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgRegisterRepository } from '../../server/registers/postgres/register-repository.ts';
import { registerPgMigrations } from '../../server/registers/postgres/schema.ts';
import { Registers } from '../../server/registers/registers.ts';
import type { RegisterRepository, StoredRegisterRow } from '../../server/registers/repository.ts';
import { SqliteRegisterRepository } from '../../server/registers/sqlite/register-repository.ts';
import { registerMigrations } from '../../server/registers/sqlite/schema.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';
import { describePostgres, openTestPool } from '../helpers/postgres.ts';
import { tempDataDir } from '../helpers/server.ts';

const ROWS = 10_000;
const TOWNSHIPS = ['510812100', '510812101', '510812105', '510812109'];

describe('a register of 10,000 rows on SQLite', () => {
	scaleCases('SQLite', async () => {
		const dir = tempDataDir('sitroom-registers-scale-');
		const db = openDatabase({ file: path.join(dir, 'sitroom.db'), migrations: registerMigrations });
		return {
			repo: new SqliteRegisterRepository(db),
			async dispose() {
				db.close();
				fs.rmSync(dir, { recursive: true, force: true });
			}
		};
	});
});

describePostgres('a register of 10,000 rows on PostgreSQL', () => {
	scaleCases('PostgreSQL', async () => {
		const test = await openTestPool(registerPgMigrations);
		return { repo: new PgRegisterRepository(test.pool), dispose: () => test.dispose() };
	});
});

function scaleCases(
	engine: string,
	open: () => Promise<{ repo: RegisterRepository; dispose(): Promise<void> }>
): void {
	let registers: Registers;
	let dispose: (() => Promise<void>) | null = null;

	beforeAll(async () => {
		const opened = await open();
		dispose = () => opened.dispose();
		const repo = opened.repo;
		registers = new Registers({
			repo,
			orgs: { get: () => undefined },
			townships: TOWNSHIPS.map((code) => ({ code, name: code })),
			bbox: [105, 32, 107, 33],
			openTasks: async () => new Map(),
			probe: async () => ({ state: 'unknown', detail: 'not-allowed' })
		});
		const rows: StoredRegisterRow[] = Array.from({ length: ROWS }, (_, i) => ({
			register: 'hazards',
			id: `h${i}`,
			code: `HZ-${String(i).padStart(5, '0')}`,
			name: `${i % 7 === 0 ? '沙河' : '朝天'}隐患点${i}`,
			township: TOWNSHIPS[i % TOWNSHIPS.length] ?? null,
			ownerOrgId: null,
			lon: 105.9,
			lat: 32.6,
			demo: false,
			data: { hazardType: 'landslide', threatenedPeople: i % 50 },
			status: i % 3 === 0 ? 'rectifying' : 'registered',
			statusDetail: null,
			statusAt: null,
			dueAt: i % 3 === 0 ? '2026-01-01T00:00:00.000Z' : null,
			version: 1,
			createdAt: 0,
			updatedAt: 0
		}));
		await repo.apply({
			puts: rows.map((row) => ({ row, expectedVersion: null })),
			deletes: [],
			changes: [],
			steps: []
		});
	}, 120_000);
	afterAll(async () => {
		await dispose?.();
	});

	/**
	 * The best of three runs: the machine running the tests is shared (other suites, builds), and
	 * what is measured is the server's work, not how long the scheduler kept it waiting.
	 */
	const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
		let best = Infinity;
		let r: T | undefined;
		for (let i = 0; i < 3; i++) {
			const t0 = performance.now();
			r = await fn();
			best = Math.min(best, performance.now() - t0);
		}
		return [r as T, best];
	};

	it('lists a page, filters by township and status, searches names and finds overdue rows, each in under 200 ms', async () => {
		const page = { limit: 100, offset: 0 };
		// A first call warms the statement cache as a running server's would be.
		await registers.list('hazards', page);
		const cases = [
			[{ ...page }, ROWS],
			[{ ...page, township: '510812105' }, ROWS / 4],
			[{ ...page, status: 'rectifying' }, Math.ceil(ROWS / 3)],
			[{ ...page, q: '沙河' }, Math.ceil(ROWS / 7)],
			[{ ...page, township: '510812100', q: '沙河', offset: 200 }, 358],
			[{ ...page, overdueAt: '2026-06-01T00:00:00.000Z' }, Math.ceil(ROWS / 3)],
			// The box "what is free nearby" reads around a point.
			[{ ...page, box: [105.8, 32.5, 106.0, 32.7] as const }, ROWS]
		] as const;
		const times: number[] = [];
		for (const [query, total] of cases) {
			const [list, ms] = await timed(() => registers.list('hazards', query));
			expect(list.total).toBe(total);
			expect(list.rows.length).toBe(Math.min(100, Math.max(0, total - query.offset)));
			times.push(Math.round(ms));
			expect(ms).toBeLessThan(200);
		}
		console.log(`10,000-row register on ${engine}: list times ms ${times.join(', ')}`);
	});
}
