/**
 * What a well-formed value looks like for each field of an incident document. The server guard
 * refuses an update that writes anything else, so a buggy or hostile client cannot put a shape
 * into the shared document that the UI, the exporter or the replay would trip over.
 *
 * Hand-written checks rather than zod: they run for every field of every incoming update on
 * the server's hot path, and are small enough to read.
 */
import { feedUrlProblem, MAX_FEED_URL_LENGTH, type FeedUrlProblem } from '../feeds.ts';
import { REQUIRED_FIELDS, type EntityCollection } from '../incident-doc.ts';
import {
	ANNOTATION_KINDS,
	FEED_KINDS,
	FIGURE_KEYS,
	INCIDENT_STATUSES,
	INCIDENT_TYPES,
	LOG_KINDS,
	RESPONSE_LEVELS,
	SEVERITIES,
	TASK_PRIORITIES,
	TASK_STATUSES
} from '../vocabulary.ts';

/** Returns null when the value is acceptable, or a short reason. */
type Check = (v: unknown) => string | null;

const MAX_ID = 128;
const MAX_LABEL = 500;
const MAX_TEXT = 20_000;
const MAX_LIST = 1_000;
const MAX_RING = 100_000;

const str =
	(max: number): Check =>
	(v) =>
		typeof v !== 'string' ? 'must be a string' : v.length > max ? `must be at most ${max} characters` : null;

/** Text whose emptiness would mean nothing: a title, a name, a log entry's text. */
const nonBlank =
	(max: number): Check =>
	(v) =>
		str(max)(v) ?? ((v as string).trim() === '' ? 'must not be empty' : null);

const oneOf =
	(values: readonly string[]): Check =>
	(v) =>
		typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;

const nullable =
	(check: Check): Check =>
	(v) =>
		v === null ? null : check(v);

const id = str(MAX_ID);

export function isLonLat(v: unknown): v is [number, number] {
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

const lonLat: Check = (v) => (isLonLat(v) ? null : 'must be [lon, lat] in WGS84 degrees');

function lonLatList(v: unknown, min: number): boolean {
	return Array.isArray(v) && v.length >= min && v.length <= MAX_RING && v.every(isLonLat);
}

const geometry: Check = (v) => {
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

const idList: Check = (v) =>
	Array.isArray(v) && v.length <= MAX_LIST && v.every((x) => typeof x === 'string' && x.length <= MAX_ID)
		? null
		: 'must be a list of ids';

/** ISO-8601-like timestamps; the exact format is the client's, the server's log keeps real time. */
const timestamp = str(64);

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
const feedUrl: Check = (v) => {
	const problem = feedUrlProblem(v);
	return problem === null ? null : FEED_URL_PROBLEMS[problem];
};

const authored = { createdBy: id, ownerOrgId: id, createdAt: timestamp };

/** Value checks per entity collection and field. `updates` (a Y.Array) is checked structurally. */
export const FIELD_VALUES: Readonly<Record<EntityCollection, Readonly<Record<string, Check>>>> = {
	log: { kind: oneOf(LOG_KINDS), text: nonBlank(MAX_TEXT), ...authored },
	annotations: {
		kind: oneOf(ANNOTATION_KINDS),
		label: str(MAX_LABEL),
		note: str(MAX_TEXT),
		geometry,
		taskIds: idList,
		feedIds: idList,
		...authored
	},
	tasks: {
		title: nonBlank(MAX_LABEL),
		description: str(MAX_TEXT),
		assigneeOrgId: id,
		township: nullable(id),
		priority: oneOf(TASK_PRIORITIES),
		dueAt: nullable(timestamp),
		location: nullable(lonLat),
		status: oneOf(TASK_STATUSES),
		statusReason: str(MAX_TEXT),
		...authored
	},
	feeds: {
		name: nonBlank(MAX_LABEL),
		kind: oneOf(FEED_KINDS),
		url: feedUrl,
		position: nullable(lonLat),
		...authored
	}
};

const META_VALUES: Readonly<Record<string, Check>> = {
	id,
	name: str(MAX_LABEL),
	type: oneOf(INCIDENT_TYPES),
	severity: oneOf(SEVERITIES),
	level: oneOf(RESPONSE_LEVELS),
	status: oneOf(INCIDENT_STATUSES),
	townships: idList,
	location: nullable(lonLat),
	occurredAt: timestamp
};

export function checkFieldValue(collection: EntityCollection, field: string, value: unknown): string | null {
	const check = FIELD_VALUES[collection][field];
	if (!check) return `unknown field ${collection}.${field}`;
	const e = check(value);
	return e && `${collection}.${field} ${e}`;
}

const REQUIRED_SETS = Object.fromEntries(
	Object.entries(REQUIRED_FIELDS).map(([c, fs]) => [c, new Set<string>(fs)])
) as unknown as Record<EntityCollection, ReadonlySet<string>>;

/** Whether a new entity carries every field its collection requires (REQUIRED_FIELDS). */
export function checkRequiredFields(
	collection: EntityCollection,
	entity: Readonly<Record<string, unknown>>
): string | null {
	for (const field of REQUIRED_FIELDS[collection]) {
		if (entity[field] === undefined) return `${collection}.${field} is required`;
	}
	return null;
}

/** Whether a field may be removed from an existing entity: required fields stay. */
export function checkFieldRemoval(collection: EntityCollection, field: string): string | null {
	return REQUIRED_SETS[collection].has(field)
		? `${collection}.${field} is required and cannot be removed`
		: null;
}

export function checkMetaValue(field: string, value: unknown): string | null {
	const check = META_VALUES[field];
	if (!check) return `unknown incident field meta.${field}`;
	const e = check(value);
	return e && `meta.${field} ${e}`;
}

export function isFigureKey(key: string): boolean {
	return (FIGURE_KEYS as readonly string[]).includes(key);
}

export function checkFigureValue(key: string, value: unknown): string | null {
	if (!isFigureKey(key)) return `unknown figure ${key}`;
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1e9
		? null
		: `figure ${key} must be a whole number from 0`;
}

/** Township codes are 9-digit division codes (e.g. 510812100). */
export function isTownshipCode(v: string): boolean {
	return /^\d{9}$/.test(v);
}

export function checkTaskUpdateValue(v: unknown): string | null {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'a progress update must be an object';
	const u = v as Record<string, unknown>;
	for (const k of Object.keys(u)) {
		if (!['id', 'by', 'orgId', 'at', 'text', 'status', 'position', 'photo'].includes(k)) {
			return `progress update has unknown field ${k}`;
		}
	}
	return (
		id(u.id) ??
		id(u.by) ??
		id(u.orgId) ??
		timestamp(u.at) ??
		str(MAX_TEXT)(u.text) ??
		(u.status === undefined ? null : oneOf(TASK_STATUSES)(u.status)) ??
		(u.position === undefined ? null : lonLat(u.position)) ??
		(u.photo === undefined ? null : str(2048)(u.photo))
	);
}

export function checkPositionValue(v: unknown): string | null {
	if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'a position must be an object';
	const p = v as Record<string, unknown>;
	if (Object.keys(p).some((k) => !['lonLat', 'orgId', 'at'].includes(k)))
		return 'a position has unknown fields';
	return lonLat(p.lonLat) ?? id(p.orgId) ?? timestamp(p.at);
}
