/**
 * The organisation tree over REST:
 *
 *   GET   /api/organisations[?format=flat]   the tree, for every signed-in user (deactivated
 *                                            organisations included, marked, for the names)
 *   POST  /api/organisations                 admin: a new department or team under a parent
 *   PATCH /api/organisations/:id             admin: rename, move (parentId), deactivate/reactivate
 *   GET   /api/organisations/changes         admin: the record of changes, newest first
 *
 * Refusals are named (server/identity/organisation-changes.ts): 400 `bad-organisation-kind`,
 * `unknown-parent`; 404 `organisation-not-found`; 409 `duplicate-organisation-name`,
 * `organisation-cycle`, `organisation-in-use`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import {
	NewOrganisationSchema,
	OrganisationChangesQuerySchema,
	OrganisationChangesSchema,
	OrganisationsQuerySchema,
	type FlatOrganisation,
	type OrganisationChangeEntry,
	type OrganisationTreeNode
} from '#domain/api/organisations';
import type { Identity } from '../identity/identity.ts';
import { OrganisationRefusal, type OrganisationRefusalCode } from '../identity/organisation-changes.ts';
import type { StoredOrg } from '../identity/organisations.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

const STATUS: Readonly<Record<OrganisationRefusalCode, number>> = {
	'bad-organisation-kind': 400,
	'unknown-parent': 400,
	'organisation-not-found': 404,
	'duplicate-organisation-name': 409,
	'organisation-cycle': 409,
	'organisation-in-use': 409
};

const idParams = z.object({ id: z.string().min(1).max(80) });

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

const flat = (o: StoredOrg): FlatOrganisation => ({
	id: o.id,
	name: o.name,
	kind: o.kind,
	township: o.township,
	code: o.code,
	active: o.active,
	parentId: o.parentId
});

export function organisationsRouter(identity: Identity): Router {
	const r = Router();
	const admin = requireActor(['admin']);
	const refused = (err: unknown): unknown =>
		err instanceof OrganisationRefusal ? new ApiError(STATUS[err.code], err.code, err.message) : err;

	r.get('/organisations', requireActor(), (req, res) => {
		const { format } = parseQuery(OrganisationsQuerySchema, req);
		const tree = identity.orgs.tree();
		res.json({
			district: identity.seed.district,
			organisations: format === 'flat' ? flatten(tree, null, []) : tree
		});
	});

	r.get('/organisations/changes', admin, async (req, res) => {
		const q = parseQuery(OrganisationChangesQuerySchema, req);
		const rows = await identity.orgs.changes({ orgId: q.orgId, limit: q.limit });
		const names = new Map<string, string | null>();
		for (const id of new Set(rows.map((c) => c.byUserId).filter((u): u is string => u !== null)))
			names.set(id, (await identity.users.byId(id))?.displayName ?? null);
		const changes: OrganisationChangeEntry[] = rows.map((c) => ({
			seq: c.seq,
			orgId: c.orgId,
			at: new Date(c.at).toISOString(),
			byUserId: c.byUserId,
			byName: c.byUserId === null ? null : (names.get(c.byUserId) ?? null),
			before: c.before,
			after: c.after,
			fields: (['name', 'kind', 'parentId', 'township', 'active'] as const).filter(
				(f) => c.before === null || c.before[f] !== c.after[f]
			)
		}));
		res.json({ changes });
	});

	r.post('/organisations', admin, async (req, res) => {
		const body = parseBody(NewOrganisationSchema, req);
		try {
			const org = await identity.orgAdmin.create(body, actorOf(res).userId);
			res.status(201).json({ organisation: flat(org) });
		} catch (err) {
			throw refused(err);
		}
	});

	r.patch('/organisations/:id', admin, async (req, res) => {
		const { id } = parseParams(idParams, req);
		const body = parseBody(OrganisationChangesSchema, req);
		try {
			res.json({ organisation: flat(await identity.orgAdmin.change(id, body, actorOf(res).userId)) });
		} catch (err) {
			throw refused(err);
		}
	});

	return r;
}
