/**
 * The SQLite incident repository passes the IncidentRepository contract, and the incident index
 * keeps the membership its synchronous readers ask (has) in step with it: after its own opens and
 * removals, after a reload for what another node did, and across a reload that raced an opening.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IncidentIndex, type IndexedMeta } from '../../server/incidents/incident-index.ts';
import { SqliteIncidentRepository } from '../../server/incidents/sqlite/incident-repository.ts';
import { incidentMigrations } from '../../server/incidents/sqlite/schema.ts';
import { openDatabase, type SqliteDatabase } from '../../server/store/sqlite/database.ts';
import { tempDataDir } from '../helpers/server.ts';
import { describeIncidentRepositoryContract } from './incident-repository-contract.ts';

describeIncidentRepositoryContract('SqliteIncidentRepository', async () => {
	const dir = tempDataDir('sitroom-incidents-');
	const db = openDatabase({ file: path.join(dir, 'sitroom.db'), migrations: incidentMigrations });
	return {
		repo: new SqliteIncidentRepository(db),
		async dispose() {
			db.close();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
});

const meta: IndexedMeta = {
	name: '沙河镇滑坡',
	type: 'landslide',
	severity: 'large',
	level: 'III',
	status: 'active',
	townships: [],
	location: null,
	occurredAt: '2026-03-02T14:20:00+08:00'
};
const by = { userId: null, orgId: null };

/** The SQLite repository, its list of ids held back until `release` (a slow database server). */
class HeldIds extends SqliteIncidentRepository {
	release!: () => void;
	#held: Promise<void> | null = null;

	hold(): void {
		this.#held = new Promise((resolve) => (this.release = resolve));
	}

	override async ids(): Promise<string[]> {
		const ids = await super.ids();
		await this.#held;
		return ids;
	}
}

describe('the incident index’s membership', () => {
	let db: SqliteDatabase;
	afterEach(() => db?.close());
	const openDb = (): SqliteDatabase =>
		(db = openDatabase({ file: ':memory:', migrations: incidentMigrations }));

	it('holds the incidents stored when it loads, and follows its own opens and removals', async () => {
		const repo = new SqliteIncidentRepository(openDb());
		await repo.insert('inc-old', meta, by);
		const index = await IncidentIndex.load(repo);
		expect(index.has('inc-old')).toBe(true);
		const version = index.membershipVersion;
		await index.insert('inc-new', meta, by);
		expect(index.has('inc-new')).toBe(true);
		await index.remove('inc-old');
		expect(index.has('inc-old')).toBe(false);
		expect(index.membershipVersion).toBeGreaterThan(version);
	});

	it('learns of an incident another node opened once it reloads', async () => {
		const repo = new SqliteIncidentRepository(openDb());
		const index = await IncidentIndex.load(repo);
		// Another node writes the same tables.
		await new SqliteIncidentRepository(db).insert('inc-elsewhere', meta, by);
		expect(index.has('inc-elsewhere')).toBe(false);
		expect(await index.exists('inc-elsewhere')).toBe(true);
		const version = index.membershipVersion;
		await index.reload();
		expect(index.has('inc-elsewhere')).toBe(true);
		expect(index.membershipVersion).toBeGreaterThan(version);
	});

	it('keeps an incident opened while a reload was reading, and forgets one removed meanwhile', async () => {
		const repo = new HeldIds(openDb());
		await repo.insert('inc-doomed', meta, by);
		const index = await IncidentIndex.load(repo);
		repo.hold();
		const reloading = index.reload(); // reads the ids now: inc-doomed, not inc-new
		await index.insert('inc-new', meta, by);
		await index.remove('inc-doomed');
		repo.release();
		await reloading;
		expect(index.has('inc-new')).toBe(true);
		expect(index.has('inc-doomed')).toBe(false);
	});
});
