import { afterEach, describe, expect, it } from 'vitest';
import { IncidentIndex, type IndexedMeta } from '../../server/incidents/incident-index.ts';
import { SqliteIncidentRepository } from '../../server/incidents/sqlite/incident-repository.ts';
import { incidentMigrations } from '../../server/incidents/sqlite/schema.ts';
import { cachedGuardDecision } from '../../server/guard/setup.ts';
import { identityMigrations } from '../../server/identity/sqlite/schema.ts';
import { openDatabase, type SqliteDatabase } from '../../server/store/sqlite/database.ts';

const meta: IndexedMeta = {
	name: '羊木镇森林火灾',
	type: 'forest_fire',
	severity: 'general',
	level: 'IV',
	status: 'active',
	townships: [],
	location: [105.7786, 32.5978],
	occurredAt: '2026-03-02T14:20:00+08:00'
};
const by = { userId: null, orgId: null };

describe('the cached decision of which rooms the guard guards', () => {
	let db: SqliteDatabase;
	afterEach(() => {
		if (db?.open) db.close();
	});

	async function setUp(): Promise<{
		index: IncidentIndex;
		guards: (room: string) => boolean;
		lookups: () => number;
	}> {
		db = openDatabase({ file: ':memory:', migrations: [...identityMigrations, ...incidentMigrations] });
		const index = await IncidentIndex.load(new SqliteIncidentRepository(db));
		let lookups = 0;
		const guards = cachedGuardDecision(
			(room) => {
				lookups++;
				return index.has(room);
			},
			() => index.membershipVersion
		);
		return { index, guards, lookups: () => lookups };
	}

	it('asks the index once per room while no incident is opened or removed', async () => {
		const { index, guards, lookups } = await setUp();
		await index.insert('inc-a', meta, by);
		for (let i = 0; i < 100; i++) {
			expect(guards('inc-a')).toBe(true);
			expect(guards('scratch')).toBe(false);
		}
		expect(lookups()).toBe(2);
	});

	it('guards a room from the moment an incident is opened under its name', async () => {
		const { index, guards } = await setUp();
		expect(guards('inc-late')).toBe(false); // an ad hoc room of that name was written to first
		await index.insert('inc-late', meta, by);
		expect(guards('inc-late')).toBe(true);
	});

	it('stops guarding a room whose incident was removed (a failed opening)', async () => {
		const { index, guards } = await setUp();
		await index.insert('inc-failed', meta, by);
		expect(guards('inc-failed')).toBe(true);
		await index.remove('inc-failed');
		expect(guards('inc-failed')).toBe(false);
	});

	it('keeps at most the given number of rooms', () => {
		let lookups = 0;
		const guards = cachedGuardDecision(
			() => (lookups++, false),
			() => 0,
			3
		);
		for (const room of ['a', 'b', 'c', 'd', 'a']) guards(room);
		expect(lookups).toBe(5); // the cache was dropped when full, so 'a' was asked again
	});
});
