/**
 * Refusal records of an incident: every change of an accepted update that the server undid because
 * its author may not make it (accept and compensate, ARCHITECTURE.md), as recorded with the update.
 *
 *   GET /api/incidents/:id/refusals?offset=&limit=&userId=
 *
 * Who reads what: the author reads their own; a commander reads everyone's (and may narrow to one
 * author with `userId`). Anyone else asking for another person's records is refused
 * (`refusals-of-others`). Records come oldest first; the table only grows, so `offset` pages
 * through it stably and `next` is the offset of the next page (null on the last one).
 */
import { z } from 'zod';

export const REFUSALS_PAGE_MAX = 1000;

export const RefusalsQuerySchema = z.object({
	offset: z.coerce.number().int().min(0).default(0),
	limit: z.coerce.number().int().min(1).max(REFUSALS_PAGE_MAX).default(200),
	userId: z.string().min(1).max(128).optional()
});
export type RefusalsQuery = z.infer<typeof RefusalsQuerySchema>;

export const RefusalEntrySchema = z.object({
	id: z.string(),
	/** The update's sequence number in the incident's log. */
	seq: z.number(),
	/** Server time, ISO-8601. */
	at: z.string(),
	/** The author's device time of the edit, ISO-8601, if the device sent it. */
	deviceAt: z.string().nullable(),
	userId: z.string().nullable(),
	userName: z.string().nullable(),
	orgId: z.string().nullable(),
	collection: z.string(),
	entityId: z.string().nullable(),
	field: z.string().nullable(),
	op: z.enum(['create', 'update', 'delete']),
	/** What the author tried to write (null for a removal). */
	attempted: z.unknown(),
	/** Why not, as the policy says it. */
	reason: z.string()
});
export type RefusalEntry = z.infer<typeof RefusalEntrySchema>;

export const IncidentRefusalsSchema = z.object({
	incident: z.string(),
	refusals: z.array(RefusalEntrySchema),
	next: z.number().int().nullable()
});
export type IncidentRefusals = z.infer<typeof IncidentRefusalsSchema>;
