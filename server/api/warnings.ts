/**
 * The warnings API (documented in docs/api.md): issue, list, read, update (续发), cancel (解除),
 * acknowledge (签收), record a call (叫应记录), the closed-loop record as CSV, the CAP 1.2 export
 * of a version, and the event stream (server-sent events) on which each signed-in page hears of
 * the warnings its organisation may see, as they happen.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import {
	AckRequestSchema,
	CallRequestSchema,
	CancelWarningRequestSchema,
	IssueWarningRequestSchema,
	UpdateWarningRequestSchema,
	WarningListQuerySchema
} from '#domain/api/warnings';
import type { WarningEvents } from '../warnings/events.ts';
import { inCommandCentre } from '../warnings/rules.ts';
import type { Warnings } from '../warnings/warnings.ts';
import type { OrganisationDirectory } from '../identity/organisations.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

const params = z.object({ id: z.string().min(1).max(80) });
const capQuery = z.object({ version: z.coerce.number().int().min(1).optional() });

const csvCell = (v: string | number | boolean | null): string => {
	const s = v === null ? '' : String(v);
	// A cell that a spreadsheet would run as a formula is quoted with a leading apostrophe.
	const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
	return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function warningsRouter(deps: {
	warnings: Warnings;
	events: WarningEvents;
	orgs: OrganisationDirectory;
	/** How often the stream sends a comment to keep proxies from closing it. */
	keepAliveMs?: number;
}): Router {
	const { warnings } = deps;
	const r = Router();

	r.get('/warnings/events', requireActor(), (req, res) => {
		const actor = actorOf(res);
		res.writeHead(200, {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-store',
			connection: 'keep-alive',
			'x-accel-buffering': 'no'
		});
		res.write(': connected\n\n');
		const unsubscribe = deps.events.subscribe(
			actor.orgId,
			inCommandCentre(actor, deps.orgs),
			(e) => res.write(`event: warning\ndata: ${JSON.stringify(e)}\n\n`),
			() => res.end()
		);
		const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), deps.keepAliveMs ?? 25_000);
		req.on('close', () => {
			clearInterval(keepAlive);
			unsubscribe();
		});
	});

	r.post('/warnings', requireActor(), async (req, res) => {
		const body = parseBody(IssueWarningRequestSchema, req);
		const w = await warnings.issue(actorOf(res), body);
		res.status(201).json({ id: w.id, warning: await warnings.summary(w) });
	});

	r.get('/warnings', requireActor(), async (req, res) => {
		const q = parseQuery(WarningListQuerySchema, req);
		const list = await warnings.list(actorOf(res), q);
		res.json({ warnings: await Promise.all(list.map((w) => warnings.summary(w))) });
	});

	r.get('/warnings/:id', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		res.json({ warning: await warnings.detail(await warnings.read(actorOf(res), id)) });
	});

	r.post('/warnings/:id/update', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const w = await warnings.update(actorOf(res), id, parseBody(UpdateWarningRequestSchema, req));
		res.json({ warning: await warnings.summary(w) });
	});

	r.post('/warnings/:id/cancel', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const w = await warnings.cancel(actorOf(res), id, parseBody(CancelWarningRequestSchema, req));
		res.json({ warning: await warnings.summary(w) });
	});

	r.post('/warnings/:id/ack', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const body = parseBody(AckRequestSchema, req ?? {});
		await warnings.acknowledge(actorOf(res), id, body);
		res.status(201).json({ warning: await warnings.detail(await warnings.read(actorOf(res), id)) });
	});

	r.post('/warnings/:id/calls', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		await warnings.recordCall(actorOf(res), id, parseBody(CallRequestSchema, req));
		res.status(201).json({ warning: await warnings.detail(await warnings.read(actorOf(res), id)) });
	});

	r.get('/warnings/:id/record.csv', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const d = await warnings.detail(await warnings.read(actorOf(res), id));
		const rows: (string | number | boolean | null)[][] = [['kind', 'organisation', 'time', 'by', 'detail']];
		for (const t of d.targets) {
			rows.push(['reached', t.orgName, t.reachedAt, null, `deadline ${t.deadlineAt}`]);
			if (t.acknowledgedAt)
				rows.push([
					'acknowledged',
					t.orgName,
					t.acknowledgedAt,
					t.acknowledgedByName,
					t.acknowledgedDeviceAt ? `device ${t.acknowledgedDeviceAt}` : null
				]);
		}
		const orgName = new Map(d.targets.map((t) => [t.orgId, t.orgName]));
		for (const e of d.escalations)
			rows.push([
				'escalated',
				orgName.get(e.orgId) ?? e.orgId,
				e.at,
				null,
				[e.leaderName, e.leaderPhone].filter(Boolean).join(' ')
			]);
		for (const c of d.calls)
			rows.push([
				`call-${c.direction}`,
				orgName.get(c.orgId) ?? c.orgId,
				c.at,
				c.recordedBy,
				`${c.caller} → ${c.callee} ${c.phone} ${c.answered ? 'answered' : 'not answered'} ${c.note}`.trim()
			]);
		res.setHeader('content-type', 'text/csv; charset=utf-8');
		res.setHeader('content-disposition', `attachment; filename="${id}-record.csv"`);
		res.send('\uFEFF' + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n');
	});

	r.get('/warnings/:id/cap', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const { version } = parseQuery(capQuery, req);
		const w = await warnings.read(actorOf(res), id);
		const v = version ?? w.versions.at(-1)!.version;
		const signer = w.versions.find((x) => x.version === v);
		if (!signer) throw new ApiError(404, 'version-not-found', `warning ${id} has no version ${v}`);
		const d = await warnings.detail(w);
		const xml = warnings.capOf(w, v, d.versions.find((x) => x.version === v)!.byName)!;
		res.setHeader('content-type', 'application/cap+xml; charset=utf-8');
		res.send(xml);
	});

	return r;
}
