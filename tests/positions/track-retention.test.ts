/**
 * Track retention (server/positions/track-retention.ts) on a real SQLite repository: a pass deletes
 * every fix older than the retention, in rounds, and nothing newer; started, it purges by itself
 * and keeps doing so; POSITION_RETENTION_DAYS configures it (30 days by default, 0 = never). The
 * PostgreSQL repository's purge is in the contract ([tracks-7]).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { trackMigrations } from '../../server/positions/sqlite/schema.ts';
import { SqliteTrackRepository } from '../../server/positions/sqlite/track-repository.ts';
import type { StoredFix } from '../../server/positions/track-repository.ts';
import { PURGE_BATCH, TrackRetention } from '../../server/positions/track-retention.ts';
import { openDatabase, type SqliteDatabase } from '../../server/store/sqlite/database.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-06T12:00:00Z');
const all = { since: 0, until: NOW + DAY, limit: 100_000 };

const fix = (at: number, userId = 'u-a'): StoredFix => ({
	incidentId: 'inc-a',
	userId,
	orgId: 'team-a',
	at,
	lon: 105.9,
	lat: 32.6,
	accuracy: null,
	receivedAt: at
});

let db: SqliteDatabase | null = null;
let retention: TrackRetention | null = null;
afterEach(async () => {
	await retention?.stop();
	retention = null;
	db?.close();
	db = null;
});

function repository(): SqliteTrackRepository {
	db = openDatabase({ file: ':memory:', migrations: trackMigrations });
	return new SqliteTrackRepository(db);
}

describe('track retention', () => {
	it('deletes every fix older than the retention, in rounds, and keeps the newer ones', async () => {
		const repo = repository();
		const old = Array.from({ length: 2 * PURGE_BATCH + 7 }, (_, i) => fix(NOW - 31 * DAY - i * 1000));
		await repo.add(old);
		await repo.add([fix(NOW - 29 * DAY), fix(NOW - DAY), fix(NOW - 31 * DAY, 'u-b')]);
		retention = new TrackRetention({ repository: repo, retentionMs: 30 * DAY, now: () => NOW });
		expect(await retention.purge()).toBe(2 * PURGE_BATCH + 8);
		const left = await repo.window('inc-a', all);
		expect(left.map((f) => (NOW - f.at) / DAY)).toEqual([29, 1]);
		expect(await retention.purge()).toBe(0);
	});

	it('purges by itself once started, and again at its interval', async () => {
		const repo = repository();
		let now = NOW;
		await repo.add([fix(NOW - 3 * DAY), fix(NOW - DAY / 2)]);
		retention = new TrackRetention({
			repository: repo,
			retentionMs: DAY,
			everyMs: 200,
			firstAfterMs: 10,
			now: () => now
		});
		retention.start();
		await expect.poll(async () => (await repo.window('inc-a', all)).length, { timeout: 5000 }).toBe(1);
		now += DAY;
		await expect.poll(async () => (await repo.window('inc-a', all)).length, { timeout: 5000 }).toBe(0);
	});

	it('is configured by POSITION_RETENTION_DAYS: 30 days by default, 0 turns it off', () => {
		expect(loadConfig({}).positionRetentionMs).toBe(30 * DAY);
		expect(loadConfig({ POSITION_RETENTION_DAYS: '7' }).positionRetentionMs).toBe(7 * DAY);
		expect(loadConfig({ POSITION_RETENTION_DAYS: '0' }).positionRetentionMs).toBe(0);
		expect(() => loadConfig({ POSITION_RETENTION_DAYS: '-1' })).toThrow(/POSITION_RETENTION_DAYS/);
	});
});
