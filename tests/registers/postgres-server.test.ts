/**
 * The registers on a real server on PostgreSQL, as `npm start` runs it with DATABASE_URL: the demo
 * rows are seeded into PostgreSQL (not into the SQLite side file), once; two nodes on the same
 * database see each other's writes at once, cannot both take a code, and a write on one made from
 * a version the other replaced is refused as stale. Two nodes seeding the registers at the same
 * moment leave each register as one of them seeded it.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import type { RegisterList, RegisterRow } from '../../src/lib/domain/api/registers.ts';
import { loginAt } from '../helpers/auth.ts';
import { killAllChildServers, startChildServer } from '../helpers/child-server.ts';
import {
	describePostgres,
	dropSchema,
	freshSchemaName,
	openTestPool,
	TEST_DATABASE_URL
} from '../helpers/postgres.ts';
import { tempDataDir } from '../helpers/server.ts';
import { loadJurisdiction } from '../../server/incidents/jurisdiction.ts';
import { seedDemoRegisters } from '../../server/registers/demo-seed.ts';
import { PgRegisterRepository } from '../../server/registers/postgres/register-repository.ts';
import { registerPgMigrations } from '../../server/registers/postgres/schema.ts';
import { Registers } from '../../server/registers/registers.ts';
import { openPgPool } from '../../server/store/postgres/database.ts';
import { call } from '../incidents/helpers.ts';

describePostgres('registers on PostgreSQL, two nodes', () => {
	const dirs: string[] = [];
	const schemas: string[] = [];
	afterEach(async () => {
		await killAllChildServers();
		for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
		for (const s of schemas.splice(0)) await dropSchema(s);
	});

	it('seeds once into PostgreSQL, and two nodes share every row and refuse a code twice', async () => {
		const schema = freshSchemaName();
		schemas.push(schema);
		const env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema };
		const [dirA, dirB] = [tempDataDir('sitroom-pg-reg-a-'), tempDataDir('sitroom-pg-reg-b-')];
		dirs.push(dirA, dirB);
		// One after the other: the demo accounts' seeding (identity) does not take two nodes at once.
		const a = await startChildServer(dirA, env);
		const b = await startChildServer(dirB, env);
		const [ca, cb] = [await loginAt(a.url, 'commander'), await loginAt(b.url, 'commander')];

		const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
		await client.connect();
		try {
			const rows = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".register_rows`);
			const shelters = (await call<RegisterList>(a.url, ca, 'GET', '/api/registers/shelters?limit=1000'))
				.body;
			expect(shelters.total).toBe(13);
			// Seeded once, though two nodes started: every register's demo rows, no more.
			const seeds = await client.query<{ n: string }>(
				`SELECT count(*) AS n FROM "${schema}".register_changes WHERE action = 'seed'`
			);
			expect(Number(seeds.rows[0]!.n)).toBe(Number(rows.rows[0]!.n));
		} finally {
			await client.end();
		}
		// No SQLite side file: every repository is on PostgreSQL.
		expect(fs.existsSync(path.join(dirA, 'sitroom-features.db'))).toBe(false);

		const row = {
			code: 'SHL-PG-1',
			name: '两节点避难场所',
			township: '510812100',
			ownerOrgId: null,
			lon: null,
			lat: null,
			data: { capacity: 50 }
		};
		const made = await call<{ row: RegisterRow }>(a.url, ca, 'POST', '/api/registers/shelters', { row });
		expect(made.status).toBe(201);
		const seen = await call<{ row: RegisterRow }>(
			b.url,
			cb,
			'GET',
			`/api/registers/shelters/${made.body.row.id}`
		);
		expect(seen.body.row.name).toBe('两节点避难场所');
		const twice = await call<{ error: string }>(b.url, cb, 'POST', '/api/registers/shelters', { row });
		expect([twice.status, twice.body.error]).toEqual([409, 'duplicate-register-code']);

		// A version replaced on node A is stale on node B.
		const read = seen.body.row;
		const { code, township, ownerOrgId, lon, lat, demo, data } = read;
		const edit = (n: string) => ({
			row: { code, name: n, township, ownerOrgId, lon, lat, demo, data },
			version: read.version
		});
		expect((await call(a.url, ca, 'PATCH', `/api/registers/shelters/${read.id}`, edit('甲'))).status).toBe(
			200
		);
		const stale = await call<{ error: string }>(
			b.url,
			cb,
			'PATCH',
			`/api/registers/shelters/${read.id}`,
			edit('乙')
		);
		expect([stale.status, stale.body.error]).toEqual([409, 'register-row-changed']);
		await a.terminate();
		await b.terminate();
	}, 120_000);

	it('seeds each register once when two nodes seed at the same moment', async () => {
		const { pool: first, schema, dispose } = await openTestPool(registerPgMigrations);
		const second = await openPgPool({
			url: TEST_DATABASE_URL,
			schema,
			migrations: registerPgMigrations,
			max: 2
		});
		try {
			const jurisdiction = loadJurisdiction(path.resolve('jurisdiction/chaotian'));
			const registersOn = (pool: typeof first) => {
				const repo = new PgRegisterRepository(pool);
				return new Registers({
					repo,
					orgs: { get: (id) => ({ id, name: id, kind: 'team', parentId: null, township: null }) as never },
					townships: jurisdiction.townships,
					bbox: jurisdiction.bbox,
					openTasks: async () => new Map(),
					probe: async () => ({ state: 'unknown', detail: 'not-allowed' })
				});
			};
			const [x, y] = await Promise.all([
				seedDemoRegisters(registersOn(first), jurisdiction),
				seedDemoRegisters(registersOn(second), jurisdiction)
			]);
			const rows = await first.query<{ n: number }>('SELECT count(*) AS n FROM register_rows');
			expect(x + y).toBe(rows.rows[0]!.n);
			const seeds = await first.query<{ n: number }>(
				"SELECT count(*) AS n FROM register_changes WHERE action = 'seed'"
			);
			expect(seeds.rows[0]!.n).toBe(rows.rows[0]!.n);
			expect(
				(
					await first.query<{ n: number }>(
						"SELECT count(*) AS n FROM register_rows WHERE register = 'shelters'"
					)
				).rows[0]!.n
			).toBe(13);
		} finally {
			await second.end();
			await dispose();
		}
	}, 60_000);
});
