/**
 * Position tracks of an incident: the checks a batch of fixes passes and how a window of tracks
 * is read. Knows no HTTP; the REST router (server/api/positions.ts) turns a `TrackRefusedError`
 * into its status and body.
 *
 * A batch is the caller's own fixes: who and which organisation come from the session, never the
 * body. The whole batch is refused when the caller may not change the incident (a viewer, an
 * administrator, anyone but a commander once it is closed: the document's rule,
 * `whyNotChangeIncident`) or sends more than MAX_FIXES_PER_POST. Otherwise each fix is judged on
 * its own (a place on the earth and near the district, a device time neither ahead of the server's
 * clock nor older than MAX_FIX_AGE_MS); the refused ones are named in the answer and the rest are
 * stored, so one bad fix (a phone whose clock jumped) never holds up a queue of good ones.
 */
import type { Actor } from '#domain/actor';
import {
	FIX_DISTRICT_MARGIN_DEG,
	FIX_REFUSALS,
	MAX_FIX_AGE_MS,
	MAX_FIX_CLOCK_AHEAD_MS,
	MAX_FIXES_PER_POST,
	MAX_TRACK_FIXES,
	POSITION_REFUSALS,
	type FixInput,
	type PostFixesAnswer,
	type RefusedFix,
	type Track,
	type TrackQuery,
	type TracksAnswer
} from '#domain/api/positions';
import { whyNotChangeIncident, type IncidentFacts } from '#domain/policy';
import type { StoredFix, TrackRepository } from './track-repository.ts';

export type TrackRefusal = (typeof POSITION_REFUSALS)[keyof typeof POSITION_REFUSALS];

export class TrackRefusedError extends Error {
	override readonly name = 'TrackRefusedError';
	constructor(
		readonly code: TrackRefusal,
		message: string
	) {
		super(message);
	}
}

export interface TracksDeps {
	repository: TrackRepository;
	/** The district's box (west, south, east, north), WGS84. */
	bbox: readonly [number, number, number, number];
	now?: () => number;
}

export class PositionTracks {
	readonly #now: () => number;

	constructor(private readonly deps: TracksDeps) {
		this.#now = deps.now ?? Date.now;
	}

	/** Throws the refusal if the actor may not record positions in the incident now. */
	checkRight(actor: Actor, incident: IncidentFacts): void {
		if (actor.role === 'viewer' || actor.role === 'admin') {
			throw new TrackRefusedError(
				POSITION_REFUSALS.notAllowed,
				'leaders and administrators do not share positions in an incident'
			);
		}
		const closed = whyNotChangeIncident(actor, incident);
		if (closed) throw new TrackRefusedError(POSITION_REFUSALS.incidentClosed, closed);
	}

	/** Stores the actor's fixes in the incident; answers what was stored and what was refused. */
	async record(
		actor: Actor,
		incidentId: string,
		incident: IncidentFacts,
		fixes: readonly FixInput[]
	): Promise<PostFixesAnswer> {
		this.checkRight(actor, incident);
		if (fixes.length > MAX_FIXES_PER_POST) {
			throw new TrackRefusedError(
				POSITION_REFUSALS.tooMany,
				`send at most ${MAX_FIXES_PER_POST} fixes at a time; this request has ${fixes.length}`
			);
		}
		const now = this.#now();
		const refused: RefusedFix[] = [];
		const accepted = new Map<number, StoredFix>();
		fixes.forEach((f, index) => {
			const at = typeof f.at === 'number' ? f.at : Date.parse(f.at);
			const why = this.#whyNot(f.lonLat, at, now);
			if (why) {
				refused.push({ index, ...why });
				return;
			}
			// The same device time twice in one batch is one fix: the first stands.
			if (accepted.has(at)) return;
			accepted.set(at, {
				incidentId,
				userId: actor.userId,
				orgId: actor.orgId,
				at,
				lon: f.lonLat[0],
				lat: f.lonLat[1],
				accuracy: f.accuracy ?? null,
				receivedAt: now
			});
		});
		const valid = fixes.length - refused.length;
		const { stored } = await this.deps.repository.add([...accepted.values()]);
		const answer: PostFixesAnswer = { stored, duplicates: valid - stored, refused };
		return answer;
	}

	/** The incident's tracks in the last `hours` (device times), each person's fixes oldest first. */
	async tracks(incidentId: string, q: TrackQuery): Promise<TracksAnswer> {
		const until = this.#now() + MAX_FIX_CLOCK_AHEAD_MS;
		const since = this.#now() - q.hours * 3_600_000;
		const fixes = await this.deps.repository.window(incidentId, {
			since,
			until,
			limit: MAX_TRACK_FIXES + 1,
			...(q.userId !== undefined ? { userId: q.userId } : {})
		});
		const truncated = fixes.length > MAX_TRACK_FIXES;
		if (truncated) {
			// The newest MAX_TRACK_FIXES: drop the oldest one.
			let oldest = 0;
			for (let i = 1; i < fixes.length; i++) if (fixes[i]!.at < fixes[oldest]!.at) oldest = i;
			fixes.splice(oldest, 1);
		}
		const tracks: Track[] = [];
		for (const f of fixes) {
			let track = tracks.at(-1);
			if (!track || track.userId !== f.userId) {
				track = { userId: f.userId, orgId: f.orgId, fixes: [] };
				tracks.push(track);
			}
			// A person who moved to another team: the track says the latest one.
			track.orgId = f.orgId;
			track.fixes.push({ at: new Date(f.at).toISOString(), lonLat: [f.lon, f.lat], accuracy: f.accuracy });
		}
		return {
			incident: incidentId,
			since: new Date(since).toISOString(),
			until: new Date(until).toISOString(),
			tracks,
			truncated
		};
	}

	#whyNot(
		[lon, lat]: readonly [number, number],
		at: number,
		now: number
	): { error: RefusedFix['error']; message: string } | null {
		if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
			return {
				error: FIX_REFUSALS.notOnEarth,
				message: `${lon}, ${lat} is no WGS84 position (longitude ±180, latitude ±90)`
			};
		}
		const [w, s, e, n] = this.deps.bbox;
		const m = FIX_DISTRICT_MARGIN_DEG;
		if (lon < w - m || lon > e + m || lat < s - m || lat > n + m) {
			return {
				error: FIX_REFUSALS.farFromDistrict,
				message: `${lon}, ${lat} lies more than ${m}° outside the district: a phone's faulty fix`
			};
		}
		if (!Number.isFinite(at) || at > now + MAX_FIX_CLOCK_AHEAD_MS) {
			return {
				error: FIX_REFUSALS.inFuture,
				message: `the fix's time ${isoOrNumber(at)} is ahead of the server's clock (${new Date(now).toISOString()}): check the phone's clock`
			};
		}
		if (at < now - MAX_FIX_AGE_MS) {
			return {
				error: FIX_REFUSALS.tooOld,
				message: `the fix's time ${isoOrNumber(at)} is more than ${MAX_FIX_AGE_MS / 3_600_000} hours ago`
			};
		}
		return null;
	}
}

/** A time for a message: ISO-8601, or the number itself when no date has it. */
function isoOrNumber(ms: number): string {
	return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
