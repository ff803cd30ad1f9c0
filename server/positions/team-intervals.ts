/**
 * Each team's position-sharing interval: who may choose it (a commander, or the team's leader:
 * `maySetTeamInterval`), which values are offered (SHARE_INTERVALS_MS), and reading them back.
 * Knows no HTTP; the REST router (server/api/team-intervals.ts) turns a `TeamIntervalRefusedError`
 * into its status and body.
 */
import type { Actor, OrgDirectory } from '#domain/actor';
import {
	isShareInterval,
	SHARE_INTERVALS_MS,
	TEAM_INTERVAL_REFUSALS,
	type TeamInterval,
	type TeamIntervalRefusal
} from '#domain/api/positions';
import { maySetTeamInterval } from '#domain/policy';
import type { StoredTeamInterval, TeamIntervalRepository } from './team-interval-repository.ts';

export class TeamIntervalRefusedError extends Error {
	override readonly name = 'TeamIntervalRefusedError';
	constructor(
		readonly code: TeamIntervalRefusal,
		message: string
	) {
		super(message);
	}
}

export interface TeamIntervalsDeps {
	repository: TeamIntervalRepository;
	orgs: OrgDirectory;
	now?: () => number;
}

const answerOf = (r: StoredTeamInterval): TeamInterval => ({
	orgId: r.orgId,
	intervalMs: r.intervalMs,
	setBy: r.setBy,
	setAt: new Date(r.setAt).toISOString()
});

export class TeamIntervals {
	readonly #now: () => number;

	constructor(private readonly deps: TeamIntervalsDeps) {
		this.#now = deps.now ?? Date.now;
	}

	async all(): Promise<TeamInterval[]> {
		return (await this.deps.repository.all()).map(answerOf);
	}

	/** Sets the team's interval; throws the refusal when the actor may not or the value is not offered. */
	async set(actor: Actor, orgId: string, intervalMs: number): Promise<TeamInterval> {
		if (!this.deps.orgs.get(orgId)) {
			throw new TeamIntervalRefusedError(TEAM_INTERVAL_REFUSALS.teamNotFound, `no organisation ${orgId}`);
		}
		if (!maySetTeamInterval(actor, orgId, this.deps.orgs)) {
			throw new TeamIntervalRefusedError(
				TEAM_INTERVAL_REFUSALS.notAllowed,
				"only a commander or the team's leader chooses how often the team shares its position"
			);
		}
		if (!isShareInterval(intervalMs)) {
			throw new TeamIntervalRefusedError(
				TEAM_INTERVAL_REFUSALS.notOffered,
				`${intervalMs} ms is not offered; choose one of ${SHARE_INTERVALS_MS.join(', ')}`
			);
		}
		const row: StoredTeamInterval = { orgId, intervalMs, setBy: actor.userId, setAt: this.#now() };
		await this.deps.repository.set(row);
		return answerOf(row);
	}
}
