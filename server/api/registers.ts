/**
 * The registers over REST (docs/api.md has the full list):
 *
 *   GET    /api/registers/:register                 rows (township, ownerOrgId, q, status, overdue, paging)
 *   GET    /api/registers/:register/export.csv      every row, the import's columns
 *   GET    /api/registers/:register/export.geojson  every row as a point feature
 *   POST   /api/registers/:register/import          CSV body (UTF-8 or GBK); ?dryRun=1, ?exclude=3,7
 *   GET    /api/registers/:register/:id             one row
 *   GET    /api/registers/:register/:id/history     its changes, newest first
 *   POST   /api/registers/:register                 create { row }
 *   PATCH  /api/registers/:register/:id             update { row, version }
 *   DELETE /api/registers/:register/:id             delete
 *   GET    /api/registers/hazards/:id/steps         the rectification loop's steps
 *   POST   /api/registers/hazards/:id/steps         the next step { to, note, dueAt }
 *   POST   /api/registers/cameras/:id/check         check the camera's stream now
 *
 * Every signed-in user reads; writes are decided per row by domain/registers-policy.ts. Refusals
 * are named (domain/api/registers.ts, REGISTER_REFUSALS).
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import {
	HazardStepBodySchema,
	RegisterImportQuerySchema,
	RegisterListQuerySchema,
	RegisterParamsSchema,
	RegisterRowParamsSchema,
	RegisterUpdateSchema,
	type RegisterChangeEntry,
	type RegisterRefusalCode
} from '#domain/api/registers';
import { importCsv } from '../registers/csv-import.ts';
import { registerCsv, registerGeoJson } from '../registers/exports.ts';
import { RegisterRefusal } from '../registers/refusal.ts';
import type { Registers } from '../registers/registers.ts';
import type { StoredRegisterRow } from '../registers/repository.ts';
import type { RowCheckContext } from '../registers/row-check.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

export const REFUSAL_STATUS: Readonly<Record<RegisterRefusalCode, number>> = {
	'register-read-only': 403,
	'other-township-row': 403,
	'other-organisation-row': 403,
	'register-row-not-found': 404,
	'invalid-register-row': 400,
	'duplicate-register-code': 409,
	'register-row-changed': 409,
	'unknown-township': 400,
	'unknown-organisation': 400,
	'outside-district': 400,
	'unknown-depot': 400,
	'invalid-hazard-transition': 409,
	'hazard-evidence-required': 400,
	'hazard-due-required': 400,
	'import-has-errors': 422,
	'import-unreadable': 400,
	'task-not-found': 404,
	'task-not-open': 409,
	'incident-not-active': 409,
	'task-has-no-place': 400,
	'commit-not-allowed': 403,
	'resource-not-free': 409,
	'not-enough-free': 409,
	'commitment-not-found': 404,
	'commitment-released': 409
};

const ONE_PAGE_LIMIT = 100_000;
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const idOnly = z.object({ id: z.string().min(1).max(80) });
const RowBody = z.object({ row: z.record(z.string(), z.unknown()) });

export interface RegistersApiDeps {
	registers: Registers;
	check: RowCheckContext;
	userName: (id: string) => Promise<string | undefined>;
}

export function registersRouter(deps: RegistersApiDeps): Router {
	const r = Router();
	const { registers } = deps;
	const anyone = requireActor();
	const refused = (err: unknown): unknown =>
		err instanceof RegisterRefusal
			? new ApiError(REFUSAL_STATUS[err.code], err.code, err.message, err.issues)
			: err;
	const guarded =
		(fn: (req: express.Request, res: express.Response) => Promise<void>) =>
		async (req: express.Request, res: express.Response) => {
			try {
				await fn(req, res);
			} catch (err) {
				throw refused(err);
			}
		};
	const names = async (ids: ReadonlyArray<string | null>) => {
		const out = new Map<string, string | null>();
		for (const id of new Set(ids.filter((u): u is string => u !== null)))
			out.set(id, (await deps.userName(id)) ?? null);
		return out;
	};

	r.get(
		'/registers/hazards/:id/steps',
		anyone,
		guarded(async (req, res) => {
			const { id } = parseParams(idOnly, req);
			await registers.get('hazards', id);
			const steps = await registers.repo.hazardSteps(id);
			const byName = await names(steps.map((s) => s.byUserId));
			res.json({
				steps: steps.map((s) => ({
					...s,
					at: new Date(s.at).toISOString(),
					byName: s.byUserId === null ? null : (byName.get(s.byUserId) ?? null)
				}))
			});
		})
	);

	r.post(
		'/registers/hazards/:id/steps',
		anyone,
		guarded(async (req, res) => {
			const { id } = parseParams(idOnly, req);
			const body = parseBody(HazardStepBodySchema, req);
			res.json({ row: await registers.step(actorOf(res), id, body) });
		})
	);

	r.post(
		'/registers/cameras/:id/check',
		requireActor(['commander', 'agency', 'township', 'field']),
		guarded(async (req, res) => {
			const { id } = parseParams(idOnly, req);
			res.json({ row: await registers.checkCamera(actorOf(res), id) });
		})
	);

	r.get(
		'/registers/:register',
		anyone,
		guarded(async (req, res) => {
			const { register } = parseParams(RegisterParamsSchema, req);
			const q = parseQuery(RegisterListQuerySchema, req);
			res.json(
				await registers.list(register, {
					township: q.township,
					ownerOrgId: q.ownerOrgId,
					q: q.q,
					status: q.status,
					overdueAt: q.overdue === '1' ? new Date().toISOString() : undefined,
					limit: q.limit,
					offset: q.offset
				})
			);
		})
	);

	r.get(
		'/registers/:register/export.csv',
		anyone,
		guarded(async (req, res) => {
			const { register } = parseParams(RegisterParamsSchema, req);
			const rows = await registers.answer(await registers.repo.all(register));
			res.type('text/csv; charset=utf-8');
			res.attachment(`${register}.csv`);
			res.send(registerCsv(register, rows));
		})
	);

	r.get(
		'/registers/:register/export.geojson',
		anyone,
		guarded(async (req, res) => {
			const { register } = parseParams(RegisterParamsSchema, req);
			const rows = await registers.answer(await registers.repo.all(register));
			res.type('application/geo+json');
			res.attachment(`${register}.geojson`);
			res.send(JSON.stringify(registerGeoJson(rows)));
		})
	);

	r.post(
		'/registers/:register/import',
		requireActor(['commander', 'agency', 'township']),
		express.raw({ type: () => true, limit: MAX_IMPORT_BYTES }),
		guarded(async (req, res) => {
			const { register } = parseParams(RegisterParamsSchema, req);
			const q = parseQuery(RegisterImportQuerySchema, req);
			const body: unknown = req.body;
			if (!(body instanceof Uint8Array))
				throw new RegisterRefusal('import-unreadable', 'send the CSV file as the body');
			const exclude = new Set(q.exclude === '' ? [] : q.exclude.split(',').map(Number));
			res.json(
				await importCsv({ registers, check: deps.check }, actorOf(res), register, body, {
					dryRun: q.dryRun === '1',
					exclude
				})
			);
		})
	);

	r.get(
		'/registers/:register/:id',
		anyone,
		guarded(async (req, res) => {
			const { register, id } = parseParams(RegisterRowParamsSchema, req);
			res.json({ row: await registers.get(register, id) });
		})
	);

	r.get(
		'/registers/:register/:id/history',
		anyone,
		guarded(async (req, res) => {
			const { register, id } = parseParams(RegisterRowParamsSchema, req);
			const changes = await registers.repo.changes(register, id, ONE_PAGE_LIMIT);
			const byName = await names(changes.map((c) => c.byUserId));
			const entries: RegisterChangeEntry[] = changes.map((c) => ({
				seq: c.seq,
				at: new Date(c.at).toISOString(),
				byUserId: c.byUserId,
				byName: c.byUserId === null ? null : (byName.get(c.byUserId) ?? null),
				action: c.action,
				fields: changedFields(c.before, c.after),
				before: c.before as unknown as Record<string, unknown> | null,
				after: c.after as unknown as Record<string, unknown> | null
			}));
			res.json({ changes: entries });
		})
	);

	r.post(
		'/registers/:register',
		anyone,
		guarded(async (req, res) => {
			const { register } = parseParams(RegisterParamsSchema, req);
			const { row } = parseBody(RowBody, req);
			res.status(201).json({ row: await registers.create(actorOf(res), register, row) });
		})
	);

	r.patch(
		'/registers/:register/:id',
		anyone,
		guarded(async (req, res) => {
			const { register, id } = parseParams(RegisterRowParamsSchema, req);
			const { row, version } = parseBody(RegisterUpdateSchema, req);
			res.json({ row: await registers.update(actorOf(res), register, id, row, version) });
		})
	);

	r.delete(
		'/registers/:register/:id',
		anyone,
		guarded(async (req, res) => {
			const { register, id } = parseParams(RegisterRowParamsSchema, req);
			await registers.remove(actorOf(res), register, id);
			res.status(204).end();
		})
	);

	return r;
}

const TOP = [
	'code',
	'name',
	'township',
	'ownerOrgId',
	'lon',
	'lat',
	'status',
	'statusDetail',
	'dueAt'
] as const;

function changedFields(before: StoredRegisterRow | null, after: StoredRegisterRow | null): string[] {
	if (!before || !after) return [];
	const out: string[] = TOP.filter((k) => before[k] !== after[k]);
	for (const k of new Set([...Object.keys(before.data), ...Object.keys(after.data)]))
		if (JSON.stringify(before.data[k]) !== JSON.stringify(after.data[k])) out.push(`data.${k}`);
	return out;
}
