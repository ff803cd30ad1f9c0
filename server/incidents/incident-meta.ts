/**
 * What an incident's meta must look like: the request to open an incident (strict: known
 * townships, a location inside the jurisdiction) and the meta read back from a document for the
 * index (lenient about what the guard already checked, strict about types).
 */
import { z } from 'zod';
import type * as Y from 'yjs';
import { ROOTS } from '#domain/incident-doc';
import { INCIDENT_STATUSES, INCIDENT_TYPES, RESPONSE_LEVELS, SEVERITIES } from '#domain/vocabulary';
import type { IndexedMeta } from './incident-index.ts';
import { insideBbox, type Jurisdiction } from './jurisdiction.ts';

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

/** ISO-8601 date-time with a zone, e.g. 2026-07-12T03:40:00+08:00. */
const instant = z.iso.datetime({ offset: true });

export function openIncidentSchema(j: Jurisdiction) {
	const townshipCodes = new Set(j.townships.map((t) => t.code));
	return z
		.object({
			name: z.string().trim().min(1).max(200),
			type: z.enum(INCIDENT_TYPES),
			severity: z.enum(SEVERITIES),
			level: z.enum(RESPONSE_LEVELS),
			townships: z
				.array(z.string().refine((c) => townshipCodes.has(c), 'unknown township code'))
				.min(1)
				.max(j.townships.length)
				.refine((ts) => new Set(ts).size === ts.length, 'townships must not repeat'),
			location: lonLat.refine((p) => insideBbox(j, p), {
				message: `must be [lon, lat] in WGS84 inside the jurisdiction (${j.bbox.map((n) => n.toFixed(2)).join(', ')})`
			}),
			occurredAt: instant.refine((s) => Date.parse(s) <= Date.now() + 5 * 60_000, 'must not be in the future')
		})
		.strict();
}

export type OpenIncidentInput = z.infer<ReturnType<typeof openIncidentSchema>>;

const DocMeta = z.object({
	name: z.string().max(500),
	type: z.enum(INCIDENT_TYPES),
	severity: z.enum(SEVERITIES),
	level: z.enum(RESPONSE_LEVELS),
	status: z.enum(INCIDENT_STATUSES),
	townships: z.array(z.string().max(128)).max(1000),
	location: lonLat.nullable(),
	occurredAt: z.string().max(64)
});

/** The indexable meta of a document, or null with the reason when it is incomplete or malformed. */
export function readIndexedMeta(doc: Y.Doc): { ok: true; meta: IndexedMeta } | { ok: false; reason: string } {
	const parsed = DocMeta.safeParse(doc.getMap(ROOTS.meta).toJSON());
	if (!parsed.success) {
		return {
			ok: false,
			reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
		};
	}
	return { ok: true, meta: parsed.data };
}
