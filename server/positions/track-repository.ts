/**
 * Position tracks: every fix a member's phone recorded while they shared their position, one row
 * per fix (incident, user, the organisation they were in, the device's time of the fix, where, the
 * phone's accuracy, the server's time of arrival). The incident document holds each person's
 * latest position only; the track stays out of it (ARCHITECTURE.md, "The field view").
 *
 * Async, like every repository; SQLite in sqlite/, PostgreSQL in postgres/, both checked by
 * tests/positions/track-repository-contract.ts.
 */
export interface StoredFix {
	incidentId: string;
	userId: string;
	orgId: string;
	/** Device time of the fix, ms since the epoch. */
	at: number;
	lon: number;
	lat: number;
	/** Metres, as the phone estimated it; null if it gave none. */
	accuracy: number | null;
	/** Server time the fix arrived, ms since the epoch. */
	receivedAt: number;
}

export interface TrackWindow {
	/** Device times, ms: `since` inclusive, `until` inclusive. */
	since: number;
	until: number;
	/** Only this person's fixes. */
	userId?: string;
	/** At most this many fixes: the newest of the window. */
	limit: number;
}

export interface TrackRepository {
	/**
	 * Stores the fixes in one transaction. A fix the repository holds already (the same incident,
	 * user and device time) is left as it was and not counted: a retried batch stores nothing twice.
	 */
	add(fixes: readonly StoredFix[]): Promise<{ stored: number }>;
	/** The incident's fixes in the window, ordered by user, then device time (oldest first). */
	window(incidentId: string, w: TrackWindow): Promise<StoredFix[]>;
	/**
	 * Deletes at most `limit` fixes (of any incident) whose device time is before `before` (ms);
	 * answers how many it deleted. The retention purge calls it until fewer than `limit` go, so no
	 * single statement holds the table for long.
	 */
	purgeBefore(before: number, limit: number): Promise<number>;
}
