/**
 * GET /api/organisations: the organisation tree (command centre, departments, township
 * platforms with their teams and villages), for every signed-in user; `?format=flat` lists
 * the same nodes without nesting.
 */
import { Router } from 'express';
import {
	OrganisationsQuerySchema,
	type FlatOrganisation,
	type OrganisationTreeNode
} from '#domain/api/organisations';
import type { Identity } from '../identity/identity.ts';
import { requireActor } from './session-middleware.ts';
import { parseQuery } from './validate.ts';

function flatten(
	nodes: OrganisationTreeNode[],
	parentId: string | null,
	out: FlatOrganisation[]
): FlatOrganisation[] {
	for (const { children, ...node } of nodes) {
		out.push({ ...node, parentId });
		flatten(children, node.id, out);
	}
	return out;
}

export function organisationsRouter(identity: Identity): Router {
	const r = Router();
	r.get('/organisations', requireActor(), (req, res) => {
		const { format } = parseQuery(OrganisationsQuerySchema, req);
		const tree = identity.orgs.tree();
		res.json({
			district: identity.seed.district,
			organisations: format === 'flat' ? flatten(tree, null, []) : tree
		});
	});
	return r;
}
