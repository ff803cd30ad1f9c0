/**
 * Attribution and audit of an incident's document, from the rows the server's permission guard
 * records for every accepted change (clients cannot forge them):
 *
 *   GET /api/incidents/:id/audit?collection=tasks&entity=t1  every change to one entity, newest first
 *   GET /api/incidents/:id/audit?collection=meta              every change to the incident's own fields
 *   GET /api/incidents/:id/attribution                        per entity: created by/at, last changed by/at
 */
import { z } from 'zod';

/** Collections whose changes are recorded per entity (township figures count as one per township). */
export const ATTRIBUTED_COLLECTIONS = [
	'tasks',
	'annotations',
	'log',
	'feeds',
	'figures',
	'positions'
] as const;
export type AttributedCollection = (typeof ATTRIBUTED_COLLECTIONS)[number];
/** Collections recorded as a whole: they have no entity id. */
export const WHOLE_COLLECTIONS = ['meta', 'wall'] as const;

const limit = z.coerce.number().int().min(1).max(1000).default(200);

export const AuditQuerySchema = z.discriminatedUnion('collection', [
	z.object({ collection: z.enum(ATTRIBUTED_COLLECTIONS), entity: z.string().min(1).max(128), limit }),
	z.object({ collection: z.enum(WHOLE_COLLECTIONS), entity: z.undefined().optional(), limit })
]);
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** One recorded change. Names are resolved when read, so a renamed user shows as they are now. */
export const AuditEntrySchema = z.object({
	seq: z.number(),
	at: z.string(),
	userId: z.string().nullable(),
	userName: z.string().nullable(),
	orgId: z.string().nullable(),
	orgName: z.string().nullable(),
	field: z.string().nullable(),
	op: z.string()
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const IncidentAuditSchema = z.object({
	incident: z.string(),
	collection: z.string(),
	entity: z.string().nullable(),
	changes: z.array(AuditEntrySchema)
});
export type IncidentAudit = z.infer<typeof IncidentAuditSchema>;

export const AttributionRowSchema = z.object({
	collection: z.string(),
	entityId: z.string().nullable(),
	createdBy: z.string().nullable(),
	createdByName: z.string().nullable(),
	createdAt: z.string().nullable(),
	lastChangedBy: z.string().nullable(),
	lastChangedByName: z.string().nullable(),
	lastChangedAt: z.string()
});
export type AttributionRow = z.infer<typeof AttributionRowSchema>;

export const IncidentAttributionSchema = z.object({
	incident: z.string(),
	entities: z.array(AttributionRowSchema)
});
export type IncidentAttribution = z.infer<typeof IncidentAttributionSchema>;
