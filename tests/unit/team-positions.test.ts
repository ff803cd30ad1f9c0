/** Each team's latest position: the newest fix of any member, with how many members have one. */
import { describe, expect, it } from 'vitest';
import type { Position } from '../../src/lib/domain/incident-doc.ts';
import { latestByTeam } from '../../src/lib/state/team-positions.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 12, minute)).toISOString();
const p = (orgId: string, minute: number, lon = 105.9): Position => ({
	orgId,
	at: at(minute),
	lonLat: [lon, 32.6]
});

describe('latestByTeam', () => {
	it('takes each team’s newest member fix, in the order of the teams', () => {
		const teams = latestByTeam({
			'u-1': p('team-b', 5, 105.1),
			'u-2': p('team-a', 7, 105.2),
			'u-3': p('team-b', 9, 105.3),
			'u-4': p('team-b', 1, 105.4)
		});
		expect(teams).toEqual([
			{ orgId: 'team-a', lonLat: [105.2, 32.6], at: at(7), userId: 'u-2', members: 1 },
			{ orgId: 'team-b', lonLat: [105.3, 32.6], at: at(9), userId: 'u-3', members: 3 }
		]);
	});

	it('leaves out positions without a team, a place or a time', () => {
		expect(
			latestByTeam({
				'u-1': { orgId: '', at: at(1), lonLat: [105, 32] },
				'u-2': { orgId: 'team-a', at: 'yesterday', lonLat: [105, 32] },
				'u-3': { orgId: 'team-a', at: at(2) } as unknown as Position
			})
		).toEqual([]);
	});
});
