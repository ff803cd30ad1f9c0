/**
 * GET /api/organisations: the organisation tree (command centre, departments, township
 * platforms with their teams and villages), for every signed-in user; `?format=flat` lists
 * the same nodes without nesting.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Identity } from '../identity/identity.ts';
import type { OrgTreeNode } from '../identity/organisations.ts';
import { requireActor } from '../identity/middleware.ts';
import { parseQuery } from './validate.ts';

const query = z.object({ format: z.enum(['tree', 'flat']).default('tree') });

type FlatOrg = Omit<OrgTreeNode, 'children'> & { parentId: string | null };

function flatten(nodes: OrgTreeNode[], parentId: string | null, out: FlatOrg[]): FlatOrg[] {
	for (const { children, ...node } of nodes) {
		out.push({ ...node, parentId });
		flatten(children, node.id, out);
	}
	return out;
}

export function organisationsRouter(identity: Identity): Router {
	const r = Router();
	r.get('/organisations', requireActor(), (req, res) => {
		const { format } = parseQuery(query, req);
		const tree = identity.orgs.tree();
		res.json({
			district: identity.seed.district,
			organisations: format === 'flat' ? flatten(tree, null, []) : tree
		});
	});
	return r;
}
