/**
 * Incidents as REST resources: the index row every list shows (IncidentSummary), the list's
 * filter, the request to open an incident, and the viewer grants (which leaders' screens an
 * incident is shared with). The live state of an incident is its Yjs document, not this.
 */
import { z } from 'zod';
import { INCIDENT_STATUSES, INCIDENT_TYPES, RESPONSE_LEVELS, SEVERITIES } from '../vocabulary.ts';
import { insideBbox, LonLatSchema, type Jurisdiction } from './jurisdiction.ts';

export const IncidentIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'not an incident id');

/** An incident as the index knows it (what lists and filters need, not the whole document). */
export const IncidentSummarySchema = z.object({
	id: z.string(),
	name: z.string(),
	type: z.enum(INCIDENT_TYPES),
	severity: z.enum(SEVERITIES),
	level: z.enum(RESPONSE_LEVELS),
	status: z.enum(INCIDENT_STATUSES),
	townships: z.array(z.string()),
	location: LonLatSchema.nullable(),
	occurredAt: z.string(),
	createdBy: z.string().nullable(),
	createdOrgId: z.string().nullable(),
	/** Server times, ISO-8601. */
	createdAt: z.string(),
	updatedAt: z.string(),
	closedAt: z.string().nullable()
});
export type IncidentSummary = z.infer<typeof IncidentSummarySchema>;

/** GET /api/incidents?status=…&type=…: which incidents to list. */
export const IncidentFilterSchema = z
	.object({
		status: z.enum(INCIDENT_STATUSES).optional(),
		type: z.enum(INCIDENT_TYPES).optional(),
		severity: z.enum(SEVERITIES).optional(),
		township: z.string().min(1).max(32).optional(),
		/** Case-insensitive substring of the name. */
		q: z.string().trim().max(200).optional(),
		limit: z.coerce.number().int().min(1).max(500).optional(),
		offset: z.coerce.number().int().min(0).optional()
	})
	.strict();
export type IncidentFilter = z.infer<typeof IncidentFilterSchema>;

/** ISO-8601 date-time with a zone, e.g. 2026-07-12T03:40:00+08:00. */
const instant = z.iso.datetime({ offset: true });

/**
 * POST /api/incidents: the request to open an incident in this jurisdiction (known townships,
 * a location inside its bounding box, a time not in the future).
 */
export function newIncidentSchema(j: Pick<Jurisdiction, 'townships' | 'bbox'>) {
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
			location: LonLatSchema.refine((p) => insideBbox(j, p), {
				message: `must be [lon, lat] in WGS84 inside the jurisdiction (${j.bbox.map((n) => n.toFixed(2)).join(', ')})`
			}),
			occurredAt: instant.refine((s) => Date.parse(s) <= Date.now() + 5 * 60_000, 'must not be in the future')
		})
		.strict();
}
export type NewIncident = z.infer<ReturnType<typeof newIncidentSchema>>;

/** One viewer account an incident is shared with; the names let the sharing dialog say who. */
export const ViewerGrantSchema = z.object({
	userId: z.string(),
	username: z.string().nullable(),
	displayName: z.string().nullable(),
	grantedBy: z.string().nullable(),
	grantedAt: z.string()
});
export type ViewerGrant = z.infer<typeof ViewerGrantSchema>;

/** POST /api/incidents/:id/viewers: by user id, or by username (only admins may list users). */
export const ViewerGrantRequestSchema = z.union([
	z.object({ userId: z.string().min(1).max(128) }).strict(),
	z.object({ username: z.string().min(1).max(64) }).strict()
]);
export type ViewerGrantRequest = z.infer<typeof ViewerGrantRequestSchema>;
