/**
 * The district's registers (三网四库: rescue teams, supplies and their depots, equipment, experts,
 * shelters, hazard points, the standing camera network): their names, the fields every row has,
 * and per register the fields of its own, as zod schemas. One row schema validates the REST API's
 * writes, each row of a CSV import and the edit form, on both sides.
 */
import { z } from 'zod';
import { feedUrlProblem } from './feeds.ts';

export const REGISTERS = [
	'teams',
	'supplies',
	'depots',
	'equipment',
	'experts',
	'shelters',
	'hazards',
	'cameras'
] as const;
export type RegisterName = (typeof REGISTERS)[number];

export function isRegisterName(v: unknown): v is RegisterName {
	return typeof v === 'string' && (REGISTERS as readonly string[]).includes(v);
}

export const TEAM_TYPES = ['professional', 'social', 'township_squad', 'department'] as const;
/** What a team says of itself; `deployed` is derived from its open tasks where it has any. */
export const TEAM_AVAILABILITY = ['standby', 'deployed', 'resting'] as const;
export type TeamAvailability = (typeof TEAM_AVAILABILITY)[number];
export const DEPOT_LEVELS = ['district', 'township'] as const;
export const EQUIPMENT_STATUSES = ['ready', 'in_use', 'repair'] as const;
export const EXPERT_FIELDS = [
	'geology',
	'water',
	'meteorology',
	'medical',
	'fire',
	'structure',
	'other'
] as const;
export const HAZARD_TYPES = [
	'landslide',
	'collapse',
	'debris_flow',
	'flash_flood',
	'subsidence',
	'other'
] as const;
export const CAMERA_KINDS = ['forest_fire', 'water_level', 'traffic', 'other'] as const;

const MAX_TEXT = 200;
const text = z.string().trim().max(MAX_TEXT);
const count = z.number().int().min(0).max(10_000_000);
const township = z.string().regex(/^\d{9}$/, 'a 9-digit township code');

/** Fields every row has; the register's own are in `data`. */
export const RegisterRowBaseSchema = z.object({
	/** The row's key within its register (编号): a re-imported file updates the row of the same code. */
	code: z.string().trim().min(1).max(60),
	name: z.string().trim().min(1).max(MAX_TEXT),
	township: township.nullable(),
	ownerOrgId: z.string().min(1).max(80).nullable(),
	lon: z.number().min(-180).max(180).nullable(),
	lat: z.number().min(-90).max(90).nullable(),
	demo: z.boolean().default(false)
});

const feedUrl = z
	.string()
	.trim()
	.superRefine((v, ctx) => {
		const problem = feedUrlProblem(v);
		if (problem) ctx.addIssue({ code: 'custom', message: `feed-url:${problem}` });
	});

/** The fields of each register's own, by register. */
export const REGISTER_DATA = {
	teams: z.object({
		teamType: z.enum(TEAM_TYPES),
		size: count,
		leader: text.default(''),
		contact: text.default(''),
		capabilities: text.default(''),
		equipmentHeld: text.default(''),
		/** As last set by hand: standby or resting (deployed comes from the tasks). */
		availability: z.enum(TEAM_AVAILABILITY).default('standby')
	}),
	depots: z.object({
		level: z.enum(DEPOT_LEVELS),
		keeper: text.default(''),
		contact: text.default('')
	}),
	supplies: z.object({
		/** The code of the depot holding it (a row of `depots`). */
		depot: z.string().trim().min(1).max(60),
		item: z.string().trim().min(1).max(MAX_TEXT),
		quantity: count,
		unit: z.string().trim().min(1).max(20),
		lastCheckedAt: z.string().date().nullable().default(null)
	}),
	equipment: z.object({
		item: z.string().trim().min(1).max(MAX_TEXT),
		quantity: count,
		location: text.default(''),
		status: z.enum(EQUIPMENT_STATUSES).default('ready')
	}),
	experts: z.object({
		field: z.enum(EXPERT_FIELDS),
		organisation: text.default(''),
		contact: text.default('')
	}),
	shelters: z.object({
		capacity: count,
		occupancy: count.default(0),
		facilities: text.default(''),
		keeper: text.default(''),
		contact: text.default('')
	}),
	hazards: z.object({
		hazardType: z.enum(HAZARD_TYPES),
		threatenedPeople: count.default(0),
		/** Property at risk, in 万元. */
		threatenedProperty: z.number().min(0).max(1e9).default(0),
		monitor: text.default(''),
		monitorMethod: text.default(''),
		responsible: text.default(''),
		contact: text.default('')
	}),
	cameras: z.object({
		cameraKind: z.enum(CAMERA_KINDS),
		url: feedUrl,
		owner: text.default('')
	})
} as const satisfies Record<RegisterName, z.ZodObject>;

export type RegisterData<R extends RegisterName> = z.infer<(typeof REGISTER_DATA)[R]>;

/** The fields of a row as a client writes it (create, update, one CSV row). */
export function registerRowInputSchema<R extends RegisterName>(register: R) {
	return RegisterRowBaseSchema.extend({ data: REGISTER_DATA[register] });
}
export type RegisterRowInput = z.infer<typeof RegisterRowBaseSchema> & { data: Record<string, unknown> };

/** Whether a point lies in a [minLon, minLat, maxLon, maxLat] box. */
export function inBox(lon: number, lat: number, box: readonly [number, number, number, number]): boolean {
	return lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3];
}
