/**
 * The registers over REST (docs/api.md): `/api/registers/<register>` for teams, supplies, depots,
 * equipment, experts, shelters, hazards and cameras. List (filters, paging), get, create, update,
 * delete; a row's history; a hazard point's loop steps; a camera's health check; CSV import with a
 * dry run, and CSV and GeoJSON export. Every refusal is one of REGISTER_REFUSALS.
 */
import { z } from 'zod';
import { HAZARD_STATUSES } from '../registers-hazard.ts';
import { REGISTERS, RegisterRowBaseSchema, TEAM_AVAILABILITY } from '../registers.ts';
import { IncidentIdSchema } from './incidents.ts';

export const REGISTER_REFUSALS = [
	'register-read-only',
	'other-township-row',
	'other-organisation-row',
	'register-row-not-found',
	'invalid-register-row',
	'duplicate-register-code',
	'register-row-changed',
	'unknown-township',
	'unknown-organisation',
	'outside-district',
	'unknown-depot',
	'invalid-hazard-transition',
	'hazard-evidence-required',
	'hazard-due-required',
	'import-has-errors',
	'import-unreadable',
	'task-not-found',
	'task-not-open',
	'incident-not-active',
	'task-has-no-place',
	'commit-not-allowed',
	'resource-not-free',
	'not-enough-free',
	'commitment-not-found',
	'commitment-released'
] as const;
export type RegisterRefusalCode = (typeof REGISTER_REFUSALS)[number];

export const RegisterParamsSchema = z.object({ register: z.enum(REGISTERS) });
export const RegisterRowParamsSchema = RegisterParamsSchema.extend({ id: z.string().min(1).max(80) });

export const RegisterListQuerySchema = z.object({
	township: z
		.string()
		.regex(/^\d{9}$/)
		.optional(),
	ownerOrgId: z.string().max(80).optional(),
	q: z.string().max(100).optional(),
	status: z.string().max(40).optional(),
	/** '1': only hazard points whose next step is overdue. */
	overdue: z.enum(['0', '1']).optional(),
	limit: z.coerce.number().int().min(1).max(1000).default(100),
	offset: z.coerce.number().int().min(0).default(0)
});
export type RegisterListQuery = z.infer<typeof RegisterListQuerySchema>;

/** A row as the API answers it. */
export const RegisterRowSchema = RegisterRowBaseSchema.extend({
	register: z.enum(REGISTERS),
	id: z.string(),
	data: z.record(z.string(), z.unknown()),
	status: z.string().nullable(),
	statusDetail: z.string().nullable(),
	statusAt: z.string().nullable(),
	dueAt: z.string().nullable(),
	/** Teams: standby/resting as set, or deployed while the team has an open task in an active incident. */
	availability: z.enum(TEAM_AVAILABILITY).nullable(),
	/**
	 * Teams and equipment: how many are committed (调派) to open tasks of active incidents (a
	 * team: its open commitments; equipment: items); null for the other registers.
	 */
	committed: z.number().int().nullable(),
	/** Hazard points: the next step is past its due date. */
	overdue: z.boolean(),
	version: z.number().int(),
	createdAt: z.string(),
	updatedAt: z.string()
});
export type RegisterRow = z.infer<typeof RegisterRowSchema>;

export const RegisterListSchema = z.object({ rows: z.array(RegisterRowSchema), total: z.number().int() });
export type RegisterList = z.infer<typeof RegisterListSchema>;

/** PATCH body: the whole row as edited, and the version it was read at. */
export const RegisterUpdateSchema = z.object({
	row: z.record(z.string(), z.unknown()),
	version: z.number().int().min(1)
});

export const RegisterChangeEntrySchema = z.object({
	seq: z.number().int(),
	at: z.string(),
	byUserId: z.string().nullable(),
	byName: z.string().nullable(),
	action: z.string(),
	/** The fields that differ between before and after (`data.x` for the register's own). */
	fields: z.array(z.string()),
	before: z.record(z.string(), z.unknown()).nullable(),
	after: z.record(z.string(), z.unknown()).nullable()
});
export type RegisterChangeEntry = z.infer<typeof RegisterChangeEntrySchema>;

export const HazardStepBodySchema = z.object({
	to: z.enum(HAZARD_STATUSES),
	note: z.string().max(2000).default(''),
	dueAt: z.iso.datetime({ offset: true }).nullable().default(null)
});

export const HazardStepEntrySchema = z.object({
	seq: z.number().int(),
	from: z.enum(HAZARD_STATUSES),
	to: z.enum(HAZARD_STATUSES),
	at: z.string(),
	byUserId: z.string().nullable(),
	byName: z.string().nullable(),
	note: z.string(),
	dueAt: z.string().nullable()
});
export type HazardStepEntry = z.infer<typeof HazardStepEntrySchema>;

export const RegisterImportQuerySchema = z.object({
	dryRun: z.enum(['0', '1']).default('0'),
	/** Line numbers (1 = the header) the person chose to leave out, comma-separated. */
	exclude: z
		.string()
		.regex(/^(\d+(,\d+)*)?$/)
		.default('')
});

export const ImportRowSchema = z.object({
	/** The line in the file (the header is line 1). */
	line: z.number().int(),
	code: z.string(),
	action: z.enum(['create', 'update', 'unchanged', 'excluded', 'invalid']),
	errors: z.array(z.object({ field: z.string(), problem: z.string() }))
});
export type ImportRow = z.infer<typeof ImportRowSchema>;

export const ImportReportSchema = z.object({
	/** How the file was read: CSV text in UTF-8 or GBK, or an Excel workbook's first sheet. */
	encoding: z.enum(['utf-8', 'gbk', 'xlsx']),
	dryRun: z.boolean(),
	/** True once the rows were written, in one transaction; false for a dry run or a refusal. */
	applied: z.boolean(),
	/** Problems with the file itself (its header). */
	fileErrors: z.array(z.object({ column: z.string(), problem: z.string() })),
	rows: z.array(ImportRowSchema),
	created: z.number().int(),
	updated: z.number().int()
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

/** The registers whose rows are committed (调派) to tasks. */
export const COMMITTABLE_REGISTERS = ['teams', 'equipment'] as const;

/**
 * What is free near a point (`lon`, `lat`), or near a task's place (`incident`, `task`): the
 * server reads the task's location from the incident and computes every distance.
 */
export const NearbyQuerySchema = z
	.object({
		lon: z.coerce.number().min(-180).max(180).optional(),
		lat: z.coerce.number().min(-90).max(90).optional(),
		incident: IncidentIdSchema.optional(),
		task: z.string().min(1).max(80).optional(),
		radiusKm: z.coerce.number().positive().max(200).default(20),
		/** Rows per register. */
		limit: z.coerce.number().int().min(1).max(100).default(20)
	})
	.refine(
		(q) => (q.lon !== undefined && q.lat !== undefined) || (q.incident !== undefined && q.task !== undefined),
		{
			message: 'give lon and lat, or incident and task',
			path: ['lon']
		}
	);
export type NearbyQuery = z.infer<typeof NearbyQuerySchema>;

export const NearbyEntrySchema = z.object({
	row: RegisterRowSchema,
	/** Great-circle distance from the point, computed on the server. */
	distanceKm: z.number(),
	/** Teams: 1; equipment: items not committed; shelters: places left (capacity − occupancy). */
	free: z.number().int()
});
export type NearbyEntry = z.infer<typeof NearbyEntrySchema>;

export const NearbyAnswerSchema = z.object({
	point: z.tuple([z.number(), z.number()]),
	radiusKm: z.number(),
	teams: z.array(NearbyEntrySchema),
	equipment: z.array(NearbyEntrySchema),
	shelters: z.array(NearbyEntrySchema)
});
export type NearbyAnswer = z.infer<typeof NearbyAnswerSchema>;

/** POST /api/incidents/:id/commitments: a team or equipment from the registers to a task, in one step. */
export const CommitBodySchema = z.object({
	taskId: z.string().min(1).max(80),
	register: z.enum(COMMITTABLE_REGISTERS),
	rowId: z.string().min(1).max(80),
	/** Equipment: how many items; a team is committed whole (1). */
	quantity: z.number().int().min(1).max(10_000_000).default(1)
});
export type CommitBody = z.infer<typeof CommitBodySchema>;

/** What is committed where: one commitment, or a team deployed by its task's assignee alone. */
export const CommitmentEntrySchema = z.object({
	/** Null for a team out on a task assigned to its organisation in the room (nothing to release). */
	id: z.string().nullable(),
	incidentId: z.string(),
	incidentName: z.string(),
	taskId: z.string(),
	taskTitle: z.string(),
	taskStatus: z.string(),
	register: z.enum(COMMITTABLE_REGISTERS),
	rowId: z.string(),
	code: z.string(),
	name: z.string(),
	quantity: z.number().int(),
	byUserId: z.string().nullable(),
	byName: z.string().nullable(),
	at: z.string().nullable()
});
export type CommitmentEntry = z.infer<typeof CommitmentEntrySchema>;

export const CommitmentListSchema = z.object({ commitments: z.array(CommitmentEntrySchema) });
export type CommitmentList = z.infer<typeof CommitmentListSchema>;
