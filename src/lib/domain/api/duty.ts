/**
 * The duty roster (值班表) and handover (交接班) API: shifts per organisation with the duty
 * officer (值班员) and the leader on duty (带班领导), who is on duty at a time, a month imported
 * from CSV (all rows or none), and handover notes the incoming officer confirms.
 */
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });
const phone = z
	.string()
	.trim()
	.regex(/^[0-9+\-() ]{3,30}$/, 'a phone number: digits, spaces, + - ( )');

export const ShiftInputSchema = z
	.object({
		startsAt: isoTime,
		endsAt: isoTime,
		officerName: z.string().trim().min(1).max(40),
		officerPhone: phone,
		leaderName: z.string().trim().min(1).max(40),
		leaderPhone: phone,
		note: z.string().trim().max(500).default('')
	})
	.refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), {
		message: 'a shift ends after it starts',
		path: ['endsAt']
	});
export type ShiftInput = z.input<typeof ShiftInputSchema>;

export const ShiftSchema = z.object({
	id: z.string(),
	orgId: z.string(),
	startsAt: z.string(),
	endsAt: z.string(),
	officerName: z.string(),
	officerPhone: z.string(),
	leaderName: z.string(),
	leaderPhone: z.string(),
	note: z.string()
});
export type Shift = z.infer<typeof ShiftSchema>;

export const RosterQuerySchema = z.object({ from: isoTime, to: isoTime });

export const OnDutyQuerySchema = z.object({ at: isoTime.optional() });

/** POST /api/duty/:orgId/import: a month as CSV text (see docs/api.md for the columns). */
export const RosterImportRequestSchema = z.object({
	month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
	csv: z.string().min(1).max(200_000)
});

export const HandoverInputSchema = z.object({
	outgoingName: z.string().trim().min(1).max(40),
	incomingName: z.string().trim().min(1).max(40),
	openWarnings: z.string().trim().max(4000).default(''),
	openTasks: z.string().trim().max(4000).default(''),
	watch: z.string().trim().max(4000).default('')
});
export type HandoverInput = z.input<typeof HandoverInputSchema>;

export const HandoverSchema = z.object({
	id: z.string(),
	orgId: z.string(),
	outgoingName: z.string(),
	incomingName: z.string(),
	openWarnings: z.string(),
	openTasks: z.string(),
	watch: z.string(),
	writtenAt: z.string(),
	writtenBy: z.string(),
	writtenByName: z.string(),
	confirmedAt: z.string().nullable(),
	confirmedBy: z.string().nullable(),
	confirmedByName: z.string().nullable()
});
export type Handover = z.infer<typeof HandoverSchema>;
