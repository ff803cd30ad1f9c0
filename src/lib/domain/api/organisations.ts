/**
 * The organisation tree over REST: GET /api/organisations (the command centre, departments,
 * township platforms with their teams and villages) for every signed-in user, `?format=flat`
 * depth first without nesting, each with its parent; and what administrators change in it:
 * POST /api/organisations (a new department or team), PATCH /api/organisations/:id (rename,
 * move under another parent, deactivate or reactivate) and GET /api/organisations/changes (the
 * record of every change: who, when, what).
 */
import { z } from 'zod';
import { ORG_KINDS, type OrgKind } from '../vocabulary.ts';

export const OrganisationsQuerySchema = z.object({ format: z.enum(['tree', 'flat']).default('tree') });

const OrganisationSchema = z.object({
	id: z.string(),
	name: z.string(),
	kind: z.enum(ORG_KINDS),
	/** The township this organisation belongs to (a township platform, its teams and villages). */
	township: z.string().nullable(),
	/** The statistical code of a township or village, if it is one. */
	code: z.string().nullable(),
	/**
	 * False once an administrator deactivated it: kept so that old tasks and records still show
	 * its name, but nobody belongs to it and nothing new is assigned to it.
	 */
	active: z.boolean()
});

export const FlatOrganisationSchema = OrganisationSchema.extend({ parentId: z.string().nullable() });
export type FlatOrganisation = z.infer<typeof FlatOrganisationSchema>;

export type OrganisationTreeNode = z.infer<typeof OrganisationSchema> & { children: OrganisationTreeNode[] };
export const OrganisationTreeNodeSchema: z.ZodType<OrganisationTreeNode> = OrganisationSchema.extend({
	get children() {
		return z.array(OrganisationTreeNodeSchema);
	}
});

const district = z.object({ code: z.string(), name: z.string() });

/** The answer to GET /api/organisations. */
export const OrganisationTreeSchema = z.object({
	district,
	organisations: z.array(OrganisationTreeNodeSchema)
});
/** The answer to GET /api/organisations?format=flat. */
export const OrganisationListSchema = z.object({ district, organisations: z.array(FlatOrganisationSchema) });
export type OrganisationList = z.infer<typeof OrganisationListSchema>;

/**
 * The kinds administrators create. The command centre is the district's root, and township
 * platforms and villages follow the official divisions (the jurisdiction's seed): those come
 * from organisations.json, not from a form.
 */
export const CREATABLE_ORG_KINDS = ['department', 'team'] as const satisfies readonly OrgKind[];

const orgName = z.string().trim().min(1).max(100);
const orgId = z.string().min(1).max(80);

/**
 * POST /api/organisations. `kind` is checked by the server (`bad-organisation-kind` names the
 * kinds it creates), so a wrong one is refused with its own reason rather than a shape error.
 */
export const NewOrganisationSchema = z
	.object({ name: orgName, kind: z.string().min(1).max(40), parentId: orgId })
	.strict();
export type NewOrganisation = z.infer<typeof NewOrganisationSchema>;

/** PATCH /api/organisations/:id: at least one of the fields. */
export const OrganisationChangesSchema = z
	.object({ name: orgName, parentId: orgId, active: z.boolean() })
	.partial()
	.strict()
	.refine((b) => Object.keys(b).length > 0, 'name at least one of name, parentId, active');
export type OrganisationChanges = z.infer<typeof OrganisationChangesSchema>;

/** The answer to POST and PATCH: the organisation as it now stands. */
export const OrganisationAnswerSchema = z.object({ organisation: FlatOrganisationSchema });

/** What an organisation was or became in one change (the fields a change can touch). */
export const OrganisationStateSchema = z.object({
	name: z.string(),
	kind: z.enum(ORG_KINDS),
	parentId: z.string().nullable(),
	township: z.string().nullable(),
	active: z.boolean()
});
export type OrganisationState = z.infer<typeof OrganisationStateSchema>;

/** One recorded change of an organisation: who, when, and what it was before and after. */
export const OrganisationChangeEntrySchema = z.object({
	seq: z.number(),
	orgId: z.string(),
	/** ISO 8601, the server's time. */
	at: z.string(),
	/** Null: the server itself (the jurisdiction's seed). */
	byUserId: z.string().nullable(),
	byName: z.string().nullable(),
	/** Null when the change created the organisation. */
	before: OrganisationStateSchema.nullable(),
	after: OrganisationStateSchema,
	/** The fields that differ between before and after (all of them for a creation). */
	fields: z.array(z.enum(['name', 'kind', 'parentId', 'township', 'active']))
});
export type OrganisationChangeEntry = z.infer<typeof OrganisationChangeEntrySchema>;

/** GET /api/organisations/changes?orgId=…&limit=…: newest first. */
export const OrganisationChangesQuerySchema = z
	.object({
		orgId: orgId.optional(),
		limit: z.coerce.number().int().min(1).max(1000).default(200)
	})
	.strict();
