/**
 * An incident's meta as read back from its document for the index: lenient about what the guard
 * already checked, strict about types. (The request to open an incident is newIncidentSchema in
 * src/lib/domain/api/incidents.ts.)
 */
import { z } from 'zod';
import type * as Y from 'yjs';
import { LonLatSchema } from '#domain/api/jurisdiction';
import { ROOTS } from '#domain/incident-doc';
import { INCIDENT_STATUSES, INCIDENT_TYPES, RESPONSE_LEVELS, SEVERITIES } from '#domain/vocabulary';
import type { IndexedMeta } from './incident-index.ts';

const DocMeta = z.object({
	name: z.string().max(500),
	type: z.enum(INCIDENT_TYPES),
	severity: z.enum(SEVERITIES),
	level: z.enum(RESPONSE_LEVELS),
	status: z.enum(INCIDENT_STATUSES),
	townships: z.array(z.string().max(128)).max(1000),
	location: LonLatSchema.nullable(),
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
