/**
 * The warnings API (预警与指令): issue, update (续发), cancel (解除), acknowledge (签收), call
 * records (叫应记录), the board of targets and the CAP 1.2 export. Every version is kept;
 * acknowledgements, calls and escalations are append-only rows attributed by the server.
 */
import { z } from 'zod';
import {
	WARNING_CERTAINTIES,
	WARNING_EVENT_CODES,
	WARNING_KINDS,
	WARNING_LEVELS,
	WARNING_MSG_TYPES,
	WARNING_URGENCIES
} from '../warnings.ts';

const isoTime = z.iso.datetime({ offset: true });
const TOWNSHIP_CODE = /^\d{9}$/;
const VILLAGE_CODE = /^\d{12}$/;

/** A point as [longitude, latitude] in WGS84. */
const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

export const WarningAreaSchema = z.object({
	townships: z.array(z.string().regex(TOWNSHIP_CODE)).max(64).default([]),
	villages: z.array(z.string().regex(VILLAGE_CODE)).max(512).default([]),
	/** A closed ring drawn on the map (the first point repeated last), at least 4 points. */
	polygon: z.array(LonLat).min(4).max(500).nullable().default(null),
	/** Free text; the server builds it from the names when empty. */
	description: z.string().trim().max(500).default('')
});
export type WarningArea = z.infer<typeof WarningAreaSchema>;

const content = {
	title: z.string().trim().min(1).max(120),
	event: z.enum(WARNING_EVENT_CODES),
	level: z.enum(WARNING_LEVELS).nullable().default(null),
	urgency: z.enum(WARNING_URGENCIES).default('Expected'),
	certainty: z.enum(WARNING_CERTAINTIES).default('Likely'),
	instruction: z.string().trim().min(1).max(4000),
	area: WarningAreaSchema.default({ townships: [], villages: [], polygon: null, description: '' }),
	effective: isoTime.optional(),
	expires: isoTime
};

export const IssueWarningRequestSchema = z.object({
	kind: z.enum(WARNING_KINDS),
	...content,
	/** Organisation ids (township sub-platforms, departments, teams). */
	targets: z.array(z.string().min(1).max(80)).min(1).max(100),
	incidentId: z.string().min(1).max(80).nullable().default(null)
});
export type IssueWarningRequest = z.input<typeof IssueWarningRequestSchema>;

export const UpdateWarningRequestSchema = z.object({ ...content });
export type UpdateWarningRequest = z.input<typeof UpdateWarningRequestSchema>;

export const CancelWarningRequestSchema = z.object({ reason: z.string().trim().min(1).max(1000) });

export const AckRequestSchema = z.object({
	/** When the person acknowledged on their device (an offline acknowledgement is sent later). */
	deviceAt: isoTime.optional(),
	/** The organisation acknowledging, when the account could answer for several (default: its own). */
	orgId: z.string().min(1).max(80).optional()
});

export const CallRequestSchema = z.object({
	orgId: z.string().min(1).max(80),
	direction: z.enum(['outgoing', 'incoming']),
	caller: z.string().trim().min(1).max(80),
	callee: z.string().trim().min(1).max(80),
	phone: z.string().trim().max(40).default(''),
	at: isoTime,
	answered: z.boolean(),
	note: z.string().trim().max(1000).default('')
});
export type CallRequest = z.input<typeof CallRequestSchema>;

export const WarningVersionSchema = z.object({
	version: z.number().int(),
	msgType: z.enum(WARNING_MSG_TYPES),
	identifier: z.string(),
	sentAt: z.string(),
	byUserId: z.string(),
	byName: z.string(),
	title: z.string(),
	event: z.enum(WARNING_EVENT_CODES),
	level: z.enum(WARNING_LEVELS).nullable(),
	urgency: z.enum(WARNING_URGENCIES),
	certainty: z.enum(WARNING_CERTAINTIES),
	instruction: z.string(),
	area: WarningAreaSchema,
	effective: z.string(),
	expires: z.string(),
	reason: z.string().nullable()
});
export type WarningVersion = z.infer<typeof WarningVersionSchema>;

export const WarningTargetSchema = z.object({
	orgId: z.string(),
	orgName: z.string(),
	reachedAt: z.string(),
	deadlineAt: z.string(),
	acknowledgedAt: z.string().nullable(),
	acknowledgedBy: z.string().nullable(),
	acknowledgedByName: z.string().nullable(),
	/** The device's time of the acknowledgement (an offline one is sent later). */
	acknowledgedDeviceAt: z.string().nullable(),
	escalatedAt: z.string().nullable(),
	/** The leader on duty named at the escalation, with the number to call. */
	escalatedTo: z.string().nullable()
});
export type WarningTarget = z.infer<typeof WarningTargetSchema>;

export const CallRecordSchema = z.object({
	id: z.number().int(),
	orgId: z.string(),
	direction: z.enum(['outgoing', 'incoming']),
	caller: z.string(),
	callee: z.string(),
	phone: z.string(),
	at: z.string(),
	answered: z.boolean(),
	note: z.string(),
	recordedBy: z.string(),
	recordedAt: z.string()
});
export type CallRecord = z.infer<typeof CallRecordSchema>;

export const EscalationSchema = z.object({
	id: z.number().int(),
	orgId: z.string(),
	at: z.string(),
	leaderName: z.string().nullable(),
	leaderPhone: z.string().nullable()
});
export type Escalation = z.infer<typeof EscalationSchema>;

export const WarningSummarySchema = z.object({
	id: z.string(),
	kind: z.enum(WARNING_KINDS),
	status: z.enum(['active', 'cancelled', 'expired']),
	issuerOrgId: z.string(),
	issuerOrgName: z.string(),
	incidentId: z.string().nullable(),
	current: WarningVersionSchema,
	targetCount: z.number().int(),
	acknowledgedCount: z.number().int(),
	escalatedCount: z.number().int()
});
export type WarningSummary = z.infer<typeof WarningSummarySchema>;

export const WarningDetailSchema = WarningSummarySchema.extend({
	versions: z.array(WarningVersionSchema),
	targets: z.array(WarningTargetSchema),
	calls: z.array(CallRecordSchema),
	escalations: z.array(EscalationSchema)
});
export type WarningDetail = z.infer<typeof WarningDetailSchema>;

export const WarningListQuerySchema = z.object({
	status: z.enum(['active', 'cancelled', 'expired', 'all']).default('active'),
	/** Only warnings targeting this organisation. */
	target: z.string().min(1).max(80).optional(),
	/** Only those this caller's organisation has not acknowledged yet. */
	unacknowledged: z.enum(['1', 'true']).optional()
});

/** What the per-organisation event stream (GET /api/warnings/events) sends. */
export const WarningEventSchema = z.object({
	type: z.enum(['issued', 'updated', 'cancelled', 'acknowledged', 'escalated', 'call']),
	warningId: z.string(),
	orgId: z.string().nullable()
});
export type WarningEvent = z.infer<typeof WarningEventSchema>;
