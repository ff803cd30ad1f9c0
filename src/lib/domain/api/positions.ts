/**
 * Position tracks (位置轨迹): the fixes a member's phone recorded while they shared their position,
 * kept in a relational table (not the incident document, which holds each person's latest
 * position only; ARCHITECTURE.md, "The field view: photos and positions").
 *
 *   POST /api/incidents/:id/positions   { fixes: [{ at, lonLat, accuracy? }] }  the caller's own fixes
 *   GET  /api/incidents/:id/tracks?hours=6[&userId=…]                           every track of the window
 *
 * A phone sends its fixes in batches, also hours later after a spell offline, each with the
 * device's time of the fix. The server takes them as the caller's own (user and organisation from
 * the session, never from the body), judges each fix on its own (its time and its place) and
 * answers which it refused and why; the rest are stored. Sending the same fix again (a retry whose
 * answer was lost) stores nothing new: a fix is keyed by incident, user and device time.
 */
import { z } from 'zod';

/** At most this many fixes in one request (a day at one fix a minute is 1,440: two requests). */
export const MAX_FIXES_PER_POST = 1000;
/** A fix's device time may be ahead of the server's clock by this much (phones' clocks drift). */
export const MAX_FIX_CLOCK_AHEAD_MS = 5 * 60_000;
/** A fix older than this is refused: a phone offline longer has a track nobody is following. */
export const MAX_FIX_AGE_MS = 72 * 3_600_000;
/**
 * How far (degrees, about 110 km each) outside the district's box a fix may lie: teams come from
 * the city and the neighbouring counties; a fix farther off is a phone's error (or 0,0).
 */
export const FIX_DISTRICT_MARGIN_DEG = 1;
/** The window the map shows by default, and the longest one a request may ask for. */
export const TRACK_HOURS_DEFAULT = 6;
export const TRACK_HOURS_MAX = 72;
/** The most fixes one GET answers (the newest are kept; `truncated` says so). */
export const MAX_TRACK_FIXES = 50_000;

export const FixInputSchema = z.object({
	/** Device time of the fix: ms since the epoch or an ISO-8601 string. */
	at: z.union([z.number().int(), z.iso.datetime({ offset: true })]),
	/** WGS84 longitude, latitude. */
	lonLat: z.tuple([z.number(), z.number()]),
	/** The phone's accuracy estimate in metres, if it gave one. */
	accuracy: z.number().nonnegative().max(1_000_000).nullable().optional()
});
export type FixInput = z.infer<typeof FixInputSchema>;

export const PostFixesSchema = z.object({ fixes: z.array(FixInputSchema).min(1) });
export type PostFixes = z.infer<typeof PostFixesSchema>;

/** Why one fix of a batch was refused (the others stand). */
export const FIX_REFUSALS = {
	/** Not a position on the earth (longitude outside ±180, latitude outside ±90, not finite). */
	notOnEarth: 'fix-not-on-earth',
	/** More than FIX_DISTRICT_MARGIN_DEG outside the district's box (or the phone's 0,0). */
	farFromDistrict: 'fix-far-from-district',
	/** Its time is more than MAX_FIX_CLOCK_AHEAD_MS ahead of the server's clock. */
	inFuture: 'fix-in-future',
	/** Its time is more than MAX_FIX_AGE_MS ago. */
	tooOld: 'fix-too-old'
} as const;
export type FixRefusal = (typeof FIX_REFUSALS)[keyof typeof FIX_REFUSALS];

/** Why a whole request was refused (the `error` of the API's error body). */
export const POSITION_REFUSALS = {
	/** 403: viewers and administrators do not publish positions. */
	notAllowed: 'positions-not-allowed',
	/** 409: the incident is closed; only a commander changes it. */
	incidentClosed: 'incident-closed',
	/** 413: more than MAX_FIXES_PER_POST fixes. */
	tooMany: 'too-many-fixes'
} as const;

export const RefusedFixSchema = z.object({
	/** Its index in the request's `fixes`. */
	index: z.number().int(),
	error: z.enum([
		FIX_REFUSALS.notOnEarth,
		FIX_REFUSALS.farFromDistrict,
		FIX_REFUSALS.inFuture,
		FIX_REFUSALS.tooOld
	]),
	message: z.string()
});
export type RefusedFix = z.infer<typeof RefusedFixSchema>;

export const PostFixesAnswerSchema = z.object({
	/** Fixes stored now. */
	stored: z.number().int(),
	/** Fixes the server had already (the same user and device time). */
	duplicates: z.number().int(),
	refused: z.array(RefusedFixSchema)
});
export type PostFixesAnswer = z.infer<typeof PostFixesAnswerSchema>;

export const TrackQuerySchema = z.object({
	hours: z.coerce.number().positive().max(TRACK_HOURS_MAX).default(TRACK_HOURS_DEFAULT),
	userId: z.string().min(1).max(128).optional()
});
export type TrackQuery = z.infer<typeof TrackQuerySchema>;

export const TrackFixSchema = z.object({
	/** Device time of the fix, ISO-8601. */
	at: z.string(),
	lonLat: z.tuple([z.number(), z.number()]),
	accuracy: z.number().nullable()
});
export type TrackFix = z.infer<typeof TrackFixSchema>;

/** One person's fixes in the window, oldest first, with the organisation they were in. */
export const TrackSchema = z.object({
	userId: z.string(),
	orgId: z.string(),
	fixes: z.array(TrackFixSchema)
});
export type Track = z.infer<typeof TrackSchema>;

export const TracksAnswerSchema = z.object({
	incident: z.string(),
	/** The window, ISO-8601 (device times of the fixes). */
	since: z.string(),
	until: z.string(),
	tracks: z.array(TrackSchema),
	/** More fixes than MAX_TRACK_FIXES lay in the window; the oldest were left out. */
	truncated: z.boolean()
});
export type TracksAnswer = z.infer<typeof TracksAnswerSchema>;

/**
 * Each team's position-sharing interval (位置共享间隔), chosen by a commander or the team's leader
 * (the officer whose own teams it is: `maySetTeamInterval`); a member's phone takes a fix that
 * often while they share. Their own consent stays the on/off switch.
 *
 *   GET /api/teams/share-intervals                  every team's chosen interval
 *   PUT /api/teams/:orgId/share-interval { intervalMs }   a commander's or the team leader's choice
 */
export const SHARE_INTERVALS_MS = [10_000, 60_000, 300_000, 900_000] as const;
/** A team nobody chose an interval for. */
export const DEFAULT_SHARE_INTERVAL_MS = 60_000;

export function isShareInterval(ms: unknown): ms is (typeof SHARE_INTERVALS_MS)[number] {
	return (SHARE_INTERVALS_MS as readonly unknown[]).includes(ms);
}

/** Why a team's interval was not set (the `error` of the API's error body). */
export const TEAM_INTERVAL_REFUSALS = {
	/** 403: neither a commander nor the team's leader. */
	notAllowed: 'team-interval-not-allowed',
	/** 404: no such organisation. */
	teamNotFound: 'team-not-found',
	/** 400: not one of SHARE_INTERVALS_MS. */
	notOffered: 'interval-not-offered'
} as const;
export type TeamIntervalRefusal = (typeof TEAM_INTERVAL_REFUSALS)[keyof typeof TEAM_INTERVAL_REFUSALS];

export const SetTeamIntervalSchema = z.object({ intervalMs: z.number().int() });
export type SetTeamInterval = z.infer<typeof SetTeamIntervalSchema>;

export const TeamIntervalSchema = z.object({
	orgId: z.string(),
	intervalMs: z.number().int(),
	/** Who chose it, and when (ISO-8601, server time). */
	setBy: z.string(),
	setAt: z.string()
});
export type TeamInterval = z.infer<typeof TeamIntervalSchema>;

export const TeamIntervalsAnswerSchema = z.object({ intervals: z.array(TeamIntervalSchema) });
export type TeamIntervalsAnswer = z.infer<typeof TeamIntervalsAnswerSchema>;
