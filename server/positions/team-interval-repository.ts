/**
 * Each team's position-sharing interval (how often its members' phones take a fix while they
 * share), as a commander or the team's leader chose it: one row per team (organisation), with who
 * set it and when. A team with no row uses the default (DEFAULT_SHARE_INTERVAL_MS). A member's
 * own consent stays the on/off switch; this only says how often.
 *
 * Async, like every repository; SQLite in sqlite/, PostgreSQL in postgres/, both checked by
 * tests/positions/team-interval-contract.ts.
 */
export interface StoredTeamInterval {
	orgId: string;
	intervalMs: number;
	/** The user who set it. */
	setBy: string;
	/** Server time it was set, ms since the epoch. */
	setAt: number;
}

export interface TeamIntervalRepository {
	/** Sets (or replaces) the team's interval. */
	set(row: StoredTeamInterval): Promise<void>;
	/** The team's interval, or null when none was chosen. */
	get(orgId: string): Promise<StoredTeamInterval | null>;
	/** Every team's chosen interval, by organisation id. */
	all(): Promise<StoredTeamInterval[]>;
}
