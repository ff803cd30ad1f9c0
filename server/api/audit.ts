/**
 * Attribution and audit of an incident's document, from the rows the permission guard records
 * for every accepted change (server/guard/attribution-store.ts):
 *
 *   GET /api/incidents/:id/audit?collection=tasks&entity=t1  every change to one entity, newest first
 *   GET /api/incidents/:id/audit?collection=meta              every change to the incident's own fields
 *   GET /api/incidents/:id/attribution                        per entity: created by/at, last changed by/at
 *
 * Names are resolved at read time, so a renamed user shows under their current name; the ids
 * stay as recorded.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Actor } from '#domain/actor';
import { AuditQuerySchema, type IncidentAttribution, type IncidentAudit } from '#domain/api/audit';
import type { AttributionStore } from '../guard/attribution-store.ts';
import { incidentNotFound } from './incident-access.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseParams, parseQuery } from './validate.ts';

export interface AuditDirectory {
	userName(userId: string): Promise<string | undefined>;
	/** From the in-memory organisation directory. */
	orgName(orgId: string): string | undefined;
}

export interface AuditRouterOptions {
	attribution: AttributionStore;
	names: AuditDirectory;
	/**
	 * Whether the incident exists and the actor may read it; the incidents module decides. Both
	 * "no" answers get the same 404 (server/api/incident-access.ts).
	 */
	mayRead: (actor: Actor, incidentId: string) => Promise<boolean>;
}

const params = z.object({ id: z.string().min(1).max(128) });

export function auditRouter(opts: AuditRouterOptions): Router {
	const r = Router();
	/** The names of `userIds` (each looked up once), null for users that no longer exist. */
	const userNames = async (userIds: ReadonlyArray<string | null>): Promise<Map<string, string | null>> => {
		const unique = [...new Set(userIds.filter((u): u is string => u !== null))];
		const names = await Promise.all(unique.map(async (u) => (await opts.names.userName(u)) ?? null));
		return new Map(unique.map((u, i) => [u, names[i]!]));
	};
	const checkRead = async (actor: Actor, id: string): Promise<void> => {
		if (!(await opts.mayRead(actor, id))) throw incidentNotFound();
	};

	r.get('/incidents/:id/audit', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const q = parseQuery(AuditQuerySchema, req);
		await checkRead(actorOf(res), id);
		const rows = await opts.attribution.changesOf(id, q.collection, q.entity ?? null, q.limit);
		const names = await userNames(rows.map((c) => c.userId));
		const who = (userId: string | null, orgId: string | null) => ({
			userId,
			userName: userId ? (names.get(userId) ?? null) : null,
			orgId,
			orgName: orgId ? (opts.names.orgName(orgId) ?? null) : null
		});
		const answer: IncidentAudit = {
			incident: id,
			collection: q.collection,
			entity: q.entity ?? null,
			changes: rows.map((c) => ({
				seq: c.seq,
				at: new Date(c.at).toISOString(),
				...who(c.userId, c.orgId),
				field: c.field,
				op: c.op
			}))
		};
		res.json(answer);
	});

	r.get('/incidents/:id/attribution', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		await checkRead(actorOf(res), id);
		const entities = await opts.attribution.attribution(id);
		const names = await userNames(entities.flatMap((a) => [a.createdBy, a.lastChangedBy]));
		const answer: IncidentAttribution = {
			incident: id,
			entities: entities.map((a) => ({
				collection: a.collection,
				entityId: a.entityId,
				createdBy: a.createdBy,
				createdByName: a.createdBy ? (names.get(a.createdBy) ?? null) : null,
				createdAt: a.createdAt === null ? null : new Date(a.createdAt).toISOString(),
				lastChangedBy: a.lastChangedBy,
				lastChangedByName: a.lastChangedBy ? (names.get(a.lastChangedBy) ?? null) : null,
				lastChangedAt: new Date(a.lastChangedAt).toISOString()
			}))
		};
		res.json(answer);
	});
	return r;
}
