/**
 * Refusal records of an incident (server/guard/refusal-store.ts), src/lib/domain/api/refusals.ts:
 *
 *   GET /api/incidents/:id/refusals?offset=&limit=&userId=
 *
 * The author reads their own records, a commander everyone's. An incident the caller may not read
 * is the same 404 as one that does not exist (incident-access.ts); asking for someone else's
 * records without being a commander is 403 `refusals-of-others`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import { IncidentIdSchema } from '#domain/api/incidents';
import { RefusalsQuerySchema, type IncidentRefusals } from '#domain/api/refusals';
import type { RefusalStore } from '../guard/refusal-store.ts';
import type { ReadAccess } from '../incidents/room-access.ts';
import { readableOr404 } from './incident-access.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseParams, parseQuery } from './validate.ts';

const params = z.object({ id: IncidentIdSchema });

export function refusalsRouter(deps: {
	access: ReadAccess;
	refusals: RefusalStore;
	userName(userId: string): Promise<string | undefined>;
}): Router {
	const r = Router();

	r.get('/incidents/:id/refusals', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const q = parseQuery(RefusalsQuerySchema, req);
		const actor = actorOf(res);
		await readableOr404(deps.access, actor, id);
		const commander = actor.role === 'commander';
		if (!commander && q.userId !== undefined && q.userId !== actor.userId) {
			throw new ApiError(
				403,
				'refusals-of-others',
				'only a commander reads other people’s refused changes; you read your own'
			);
		}
		const userId = commander ? q.userId : actor.userId;
		const rows = await deps.refusals.ofIncident(id, {
			limit: q.limit,
			offset: q.offset,
			...(userId !== undefined ? { userId } : {})
		});
		const ids = [...new Set(rows.map((x) => x.userId).filter((u): u is string => u !== null))];
		const names = new Map(
			await Promise.all(ids.map(async (u) => [u, (await deps.userName(u)) ?? null] as const))
		);
		const answer: IncidentRefusals = {
			incident: id,
			refusals: rows.map((x) => ({
				id: x.id,
				seq: x.seq,
				at: new Date(x.at).toISOString(),
				deviceAt: x.deviceAt === null ? null : new Date(x.deviceAt).toISOString(),
				userId: x.userId,
				userName: x.userId ? (names.get(x.userId) ?? null) : null,
				orgId: x.orgId,
				collection: x.collection,
				entityId: x.entityId,
				field: x.field,
				op: x.op,
				attempted: x.attempted,
				reason: x.reason
			})),
			next: rows.length === q.limit ? q.offset + rows.length : null
		};
		res.json(answer);
	});

	return r;
}
