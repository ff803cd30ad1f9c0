/**
 * PositionTracks' own rules, on an in-memory SQLite repository and a fixed clock: a closed
 * incident takes positions from a commander only; the clock's tolerances hold at their edges;
 * the same device time twice in one batch is one fix; a window over the answer's limit keeps the
 * newest fixes and says it was truncated.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/domain/actor.ts';
import { MAX_FIX_AGE_MS, MAX_FIX_CLOCK_AHEAD_MS } from '../../src/lib/domain/api/positions.ts';
import { trackMigrations } from '../../server/positions/sqlite/schema.ts';
import { SqliteTrackRepository } from '../../server/positions/sqlite/track-repository.ts';
import { PositionTracks, TrackRefusedError } from '../../server/positions/tracks.ts';
import { openDatabase } from '../../server/store/sqlite/database.ts';

const NOW = Date.parse('2026-07-12T08:00:00Z');
const BBOX = [105.6, 32.4, 106.2, 32.9] as const;
const HERE: [number, number] = [105.9, 32.6];
const field: Actor = { userId: 'u-f', orgId: 'team-a', role: 'field', township: null };
const commander: Actor = { userId: 'u-c', orgId: 'eoc', role: 'commander', township: null };

function tracks(): PositionTracks {
	const db = openDatabase({ file: ':memory:', migrations: trackMigrations });
	return new PositionTracks({ repository: new SqliteTrackRepository(db), bbox: BBOX, now: () => NOW });
}

describe('PositionTracks', () => {
	it('refuses positions in a closed incident but a commander’s', async () => {
		const t = tracks();
		const closed = { status: 'closed' };
		await expect(t.record(field, 'inc', closed, [{ at: NOW, lonLat: HERE }])).rejects.toMatchObject({
			code: 'incident-closed'
		});
		await expect(t.record(field, 'inc', closed, [{ at: NOW, lonLat: HERE }])).rejects.toBeInstanceOf(
			TrackRefusedError
		);
		expect(await t.record(commander, 'inc', closed, [{ at: NOW, lonLat: HERE }])).toEqual({
			stored: 1,
			duplicates: 0,
			refused: []
		});
	});

	it('takes fixes at the edges of the clock’s tolerances and refuses one millisecond past them', async () => {
		const t = tracks();
		const answer = await t.record(field, 'inc', { status: 'active' }, [
			{ at: NOW + MAX_FIX_CLOCK_AHEAD_MS, lonLat: HERE },
			{ at: NOW - MAX_FIX_AGE_MS, lonLat: HERE },
			{ at: NOW + MAX_FIX_CLOCK_AHEAD_MS + 1, lonLat: HERE },
			{ at: NOW - MAX_FIX_AGE_MS - 1, lonLat: HERE },
			{ at: 1e20, lonLat: HERE }
		]);
		expect(answer.stored).toBe(2);
		expect(answer.refused.map((r) => r.error)).toEqual(['fix-in-future', 'fix-too-old', 'fix-in-future']);
	});

	it('counts the same device time twice in one batch as one fix (a duplicate)', async () => {
		const t = tracks();
		const answer = await t.record(field, 'inc', {}, [
			{ at: NOW, lonLat: HERE },
			{ at: new Date(NOW).toISOString(), lonLat: [105.91, 32.6] }
		]);
		expect(answer).toEqual({ stored: 1, duplicates: 1, refused: [] });
		const read = await t.tracks('inc', { hours: 1 });
		expect(read.tracks[0]!.fixes).toEqual([
			{ at: new Date(NOW).toISOString(), lonLat: HERE, accuracy: null }
		]);
	});

	it('groups a window by person, oldest first, with the organisation of their latest fix', async () => {
		const t = tracks();
		await t.record(field, 'inc', {}, [{ at: NOW - 60_000, lonLat: HERE }]);
		await t.record({ ...field, orgId: 'team-b' }, 'inc', {}, [{ at: NOW, lonLat: HERE }]);
		await t.record(commander, 'inc', {}, [{ at: NOW - 30_000, lonLat: HERE }]);
		const read = await t.tracks('inc', { hours: 1 });
		expect(read.tracks.map((tr) => [tr.userId, tr.orgId, tr.fixes.length])).toEqual([
			['u-c', 'eoc', 1],
			['u-f', 'team-b', 2]
		]);
		expect(read.truncated).toBe(false);
	});
});
