/**
 * GET /api/organisations: the organisation tree (command centre, departments, township platforms
 * with their teams and villages) for every signed-in user; `?format=flat` lists the same nodes
 * depth first without nesting, each with its parent.
 */
import { z } from 'zod';
import { ORG_KINDS } from '../vocabulary.ts';

export const OrganisationsQuerySchema = z.object({ format: z.enum(['tree', 'flat']).default('tree') });

const OrganisationSchema = z.object({
	id: z.string(),
	name: z.string(),
	kind: z.enum(ORG_KINDS),
	/** The township this organisation belongs to (a township platform, its teams and villages). */
	township: z.string().nullable(),
	/** The statistical code of a township or village, if it is one. */
	code: z.string().nullable()
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
