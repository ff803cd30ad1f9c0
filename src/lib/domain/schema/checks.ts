/**
 * What a well-formed value looks like: the checks the incident schema (../schema.ts) gives each
 * field, and the types of the values they accept, from which the document's TypeScript types are
 * inferred. The server's guard refuses an update that writes anything else, so a buggy or
 * hostile client cannot put a shape into the shared document that the UI, the exporter or the
 * replay would trip over.
 *
 * Hand-written checks rather than zod: they run for every field of every incoming update on
 * the server's hot path, and are small enough to read.
 */
import { feedUrlProblem, MAX_FEED_URL_LENGTH, type FeedUrlProblem } from '../feeds.ts';

/**
 * Returns null when the value is acceptable, or a short reason ("must be a string"). `accepts`
 * is never set: it carries the type of the values the check accepts, for the schema's types.
 */
export interface Check<T> {
	(v: unknown): string | null;
	readonly accepts?: T;
}

/** The type of the values a check accepts. */
export type Accepted<C> = C extends Check<infer T> ? T : never;

export type LonLat = [lon: number, lat: number];

/** GeoJSON geometry in WGS84 (EPSG:4326), as stored. Never stored in GCJ-02. */
export type Geometry =
	| { type: 'Point'; coordinates: LonLat }
	| { type: 'LineString'; coordinates: LonLat[] }
	| { type: 'Polygon'; coordinates: LonLat[][] };

export const MAX_ID = 128;
export const MAX_LABEL = 500;
export const MAX_TEXT = 20_000;
const MAX_LIST = 1_000;
const MAX_RING = 100_000;
/** Figures are head counts and the like; a billion is beyond any county. */
const MAX_COUNT = 1e9;

export const text =
	(max: number): Check<string> =>
	(v) =>
		typeof v !== 'string' ? 'must be a string' : v.length > max ? `must be at most ${max} characters` : null;

/** Text whose emptiness would mean nothing: a title, a name, a log entry's text. */
export const nonBlank =
	(max: number): Check<string> =>
	(v) =>
		text(max)(v) ?? ((v as string).trim() === '' ? 'must not be empty' : null);

export const oneOf =
	<const V extends readonly string[]>(values: V): Check<V[number]> =>
	(v) =>
		typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;

export const nullable =
	<T>(check: Check<T>): Check<T | null> =>
	(v) =>
		v === null ? null : check(v);

/** The same check, refused with a sentence of its own instead of the check's reason. */
export const reworded =
	<T>(check: Check<T>, reason: string): Check<T> =>
	(v) =>
		check(v) === null ? null : reason;

export const id: Check<string> = text(MAX_ID);

/** ISO-8601-like timestamps; the exact format is the client's, the server's log keeps real time. */
export const timestamp: Check<string> = text(64);

export function isLonLat(v: unknown): v is LonLat {
	return (
		Array.isArray(v) &&
		v.length === 2 &&
		typeof v[0] === 'number' &&
		typeof v[1] === 'number' &&
		v[0] >= -180 &&
		v[0] <= 180 &&
		v[1] >= -90 &&
		v[1] <= 90
	);
}

export const lonLat: Check<LonLat> = (v) => (isLonLat(v) ? null : 'must be [lon, lat] in WGS84 degrees');

function lonLatList(v: unknown, min: number): boolean {
	return Array.isArray(v) && v.length >= min && v.length <= MAX_RING && v.every(isLonLat);
}

export const geometry: Check<Geometry> = (v) => {
	if (typeof v !== 'object' || v === null) return 'must be a GeoJSON geometry';
	const g = v as { type?: unknown; coordinates?: unknown };
	const keys = Object.keys(g);
	if (keys.length !== 2) return 'must have exactly type and coordinates';
	if (g.type === 'Point') return isLonLat(g.coordinates) ? null : 'Point needs [lon, lat]';
	if (g.type === 'LineString') return lonLatList(g.coordinates, 2) ? null : 'LineString needs 2+ positions';
	if (g.type === 'Polygon') {
		const rings = g.coordinates;
		return Array.isArray(rings) &&
			rings.length >= 1 &&
			rings.length <= MAX_LIST &&
			rings.every((r) => lonLatList(r, 4))
			? null
			: 'Polygon needs rings of 4+ positions';
	}
	return 'must be a Point, LineString or Polygon';
};

export const idList: Check<string[]> = (v) =>
	Array.isArray(v) && v.length <= MAX_LIST && v.every((x) => typeof x === 'string' && x.length <= MAX_ID)
		? null
		: 'must be a list of ids';

/** A whole number from 0: people, houses, roads. */
export const count: Check<number> = (v) =>
	typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_COUNT
		? null
		: 'must be a whole number from 0';

/** The feed address rules' problems as the sentence a refused sender reads. */
const FEED_URL_PROBLEMS: Readonly<Record<FeedUrlProblem, string>> = {
	'not-a-string': 'must be a string',
	'too-long': `must be at most ${MAX_FEED_URL_LENGTH} characters`,
	'not-a-url': 'must be a web or stream address with a host',
	'scheme-not-allowed': 'must be an http, https, rtsp, rtmp or webrtc address',
	'has-credentials':
		'must not carry a user name or password: everyone in the room sees the address (credentials belong in the video gateway)'
};

// The register-a-feed form asks the same function: a second copy of the rules would drift.
export const feedUrl: Check<string> = (v) => {
	const problem = feedUrlProblem(v);
	return problem === null ? null : FEED_URL_PROBLEMS[problem];
};

type Checks = Readonly<Record<string, Check<unknown>>>;

/** An object whose `required` keys hold what their checks accept; `optional` keys may be absent. */
export type ShapeOf<R extends Checks, O extends Checks> = { -readonly [K in keyof R]: Accepted<R[K]> } & {
	-readonly [K in keyof O]?: Accepted<O[K]>;
};

/**
 * A small plain object stored as one value (a progress update, a position): every key of
 * `required` holds a value its check accepts, a key of `optional` is absent or accepted, and
 * any other key is refused (`unknownKey` says how). The first failing check's reason is given
 * as it is, in the order the keys are listed.
 */
export function shape<R extends Checks, O extends Checks>(spec: {
	noun: string;
	required: R;
	optional: O;
	unknownKey: (key: string) => string;
}): Check<ShapeOf<R, O>> {
	const known: ReadonlySet<string> = new Set([...Object.keys(spec.required), ...Object.keys(spec.optional)]);
	const required = Object.entries(spec.required);
	const optional = Object.entries(spec.optional);
	const notObject = `a ${spec.noun} must be an object`;
	return (v) => {
		if (typeof v !== 'object' || v === null || Array.isArray(v)) return notObject;
		const o = v as Record<string, unknown>;
		for (const k of Object.keys(o)) if (!known.has(k)) return spec.unknownKey(k);
		for (const [k, check] of required) {
			const e = check(o[k]);
			if (e !== null) return e;
		}
		for (const [k, check] of optional) {
			if (o[k] === undefined) continue;
			const e = check(o[k]);
			if (e !== null) return e;
		}
		return null;
	};
}
