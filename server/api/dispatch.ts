/**
 * Teams and equipment from the registers at work in incidents (docs/api.md):
 *
 *   GET    /api/registers/nearby?lon=&lat=|incident=&task=&radiusKm=&limit=   what is free near a point or a task's place
 *   GET    /api/registers/commitments                    what is committed where, in every active incident
 *   GET    /api/incidents/:id/commitments                 … in one incident
 *   POST   /api/incidents/:id/commitments                 { taskId, register, rowId, quantity }: commit in one step
 *   DELETE /api/incidents/:id/commitments/:commitmentId   release
 *
 * Mounted before the registers' router, whose `/registers/:register` would take `nearby` for a
 * register's name. Refusals are the registers' (REGISTER_REFUSALS).
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import { IncidentIdSchema } from '#domain/api/incidents';
import { CommitBodySchema, NearbyQuerySchema } from '#domain/api/registers';
import type { LonLat } from '#domain/incident-doc';
import type { ReadAccess } from '../incidents/room-access.ts';
import type { Dispatch } from '../registers/dispatch.ts';
import { freeNearby } from '../registers/nearby.ts';
import { RegisterRefusal } from '../registers/refusal.ts';
import type { Registers } from '../registers/registers.ts';
import { readableOr404 } from './incident-access.ts';
import { REFUSAL_STATUS } from './registers.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

export interface DispatchApiDeps {
	access: ReadAccess;
	registers: Registers;
	dispatch: Dispatch;
}

const incidentParams = z.object({ id: IncidentIdSchema });
const commitmentParams = incidentParams.extend({ commitmentId: z.string().min(1).max(80) });

export function dispatchRouter(deps: DispatchApiDeps): Router {
	const r = Router();
	const anyone = requireActor();
	const workers = requireActor(['commander', 'agency', 'township', 'field']);
	const guarded =
		(fn: (req: express.Request, res: express.Response) => Promise<void>) =>
		async (req: express.Request, res: express.Response) => {
			try {
				await fn(req, res);
			} catch (err) {
				throw err instanceof RegisterRefusal
					? new ApiError(REFUSAL_STATUS[err.code], err.code, err.message, err.issues)
					: err;
			}
		};

	r.get(
		'/registers/nearby',
		anyone,
		guarded(async (req, res) => {
			const q = parseQuery(NearbyQuerySchema, req);
			let at: LonLat;
			if (q.lon !== undefined && q.lat !== undefined) at = [q.lon, q.lat];
			else {
				await readableOr404(deps.access, actorOf(res), q.incident!);
				const { task } = await deps.dispatch.task(q.incident!, q.task!);
				if (!task.location)
					throw new RegisterRefusal('task-has-no-place', 'the task has no place on the map');
				at = task.location;
			}
			res.json(await freeNearby(deps.registers, at, { radiusKm: q.radiusKm, limit: q.limit }));
		})
	);

	r.get(
		'/registers/commitments',
		anyone,
		guarded(async (_req, res) => {
			// Only the incidents the caller may read.
			const all = await deps.dispatch.committedWhere();
			const readable = new Map<string, boolean>();
			const out = [];
			for (const c of all) {
				if (!readable.has(c.incidentId))
					readable.set(
						c.incidentId,
						await readableOr404(deps.access, actorOf(res), c.incidentId).then(
							() => true,
							() => false
						)
					);
				if (readable.get(c.incidentId)) out.push(c);
			}
			res.json({ commitments: out });
		})
	);

	r.get(
		'/incidents/:id/commitments',
		anyone,
		guarded(async (req, res) => {
			const { id } = parseParams(incidentParams, req);
			await readableOr404(deps.access, actorOf(res), id);
			res.json({ commitments: await deps.dispatch.committedWhere(id) });
		})
	);

	r.post(
		'/incidents/:id/commitments',
		workers,
		guarded(async (req, res) => {
			const { id } = parseParams(incidentParams, req);
			const actor = actorOf(res);
			await readableOr404(deps.access, actor, id);
			const body = parseBody(CommitBodySchema, req);
			res.status(201).json({ commitment: await deps.dispatch.commit(actor, id, body) });
		})
	);

	r.delete(
		'/incidents/:id/commitments/:commitmentId',
		workers,
		guarded(async (req, res) => {
			const { id, commitmentId } = parseParams(commitmentParams, req);
			const actor = actorOf(res);
			await readableOr404(deps.access, actor, id);
			await deps.dispatch.release(actor, id, commitmentId);
			res.status(204).end();
		})
	);

	return r;
}
