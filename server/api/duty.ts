/**
 * The duty roster API (documented in docs/api.md): an organisation's shifts in a range, who is on
 * duty at a time, a shift added or removed, a month imported from CSV (all rows or none, every
 * row's error named), and handover notes written and confirmed.
 */
import { Router } from 'express';
import { z } from 'zod';
import {
	HandoverInputSchema,
	OnDutyQuerySchema,
	RosterImportRequestSchema,
	RosterQuerySchema,
	ShiftInputSchema
} from '#domain/api/duty';
import type { Roster } from '../duty/roster.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

const orgParams = z.object({ orgId: z.string().min(1).max(80) });
const itemParams = orgParams.extend({ id: z.string().min(1).max(80) });

export function dutyRouter(deps: { roster: Roster; now(): number }): Router {
	const { roster } = deps;
	const r = Router();

	r.get('/duty/on-duty', requireActor(), async (req, res) => {
		const q = parseQuery(OnDutyQuerySchema, req);
		const at = q.at ? Date.parse(q.at) : deps.now();
		res.json({ at: new Date(at).toISOString(), shifts: await roster.onDutyEverywhere(at) });
	});

	r.get('/duty/:orgId/shifts', requireActor(), async (req, res) => {
		const { orgId } = parseParams(orgParams, req);
		const q = parseQuery(RosterQuerySchema, req);
		res.json({ shifts: await roster.shifts(orgId, Date.parse(q.from), Date.parse(q.to)) });
	});

	r.get('/duty/:orgId/on-duty', requireActor(), async (req, res) => {
		const { orgId } = parseParams(orgParams, req);
		const q = parseQuery(OnDutyQuerySchema, req);
		const at = q.at ? Date.parse(q.at) : deps.now();
		res.json({ at: new Date(at).toISOString(), shift: await roster.onDuty(orgId, at) });
	});

	r.post('/duty/:orgId/shifts', requireActor(), async (req, res) => {
		const { orgId } = parseParams(orgParams, req);
		const body = parseBody(ShiftInputSchema, req);
		res.status(201).json({ shift: await roster.addShift(actorOf(res), orgId, body) });
	});

	r.delete('/duty/:orgId/shifts/:id', requireActor(), async (req, res) => {
		const { orgId, id } = parseParams(itemParams, req);
		await roster.removeShift(actorOf(res), orgId, id);
		res.status(204).end();
	});

	r.post('/duty/:orgId/import', requireActor(), async (req, res) => {
		const { orgId } = parseParams(orgParams, req);
		const { month, csv } = parseBody(RosterImportRequestSchema, req);
		res.status(201).json({ imported: await roster.importMonth(actorOf(res), orgId, month, csv) });
	});

	r.get('/duty/:orgId/handovers', requireActor(), async (req, res) => {
		const { orgId } = parseParams(orgParams, req);
		res.json({ handovers: await roster.handovers(orgId) });
	});

	r.post('/duty/:orgId/handovers', requireActor(), async (req, res) => {
		const { orgId } = parseParams(orgParams, req);
		const body = parseBody(HandoverInputSchema, req);
		res.status(201).json({ handover: await roster.writeHandover(actorOf(res), orgId, body) });
	});

	r.post('/duty/:orgId/handovers/:id/confirm', requireActor(), async (req, res) => {
		const { orgId, id } = parseParams(itemParams, req);
		res.json({ handover: await roster.confirmHandover(actorOf(res), orgId, id) });
	});

	return r;
}
