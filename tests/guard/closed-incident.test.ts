/**
 * A closed incident through the realtime core with the guard: once a commander closes it, only a
 * commander changes anything inside it (a correction, or reopening it); everyone else is refused
 * with the reason, and nothing of a refused change reaches anyone or the store. Each update is
 * judged by the incident as it stood before that update.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { addLogEntry, changeTaskStatus, setIncidentStatus } from '../../src/lib/state/room-actions.ts';
import { actors, annotation, capture, contentOf, NOW, task, TOWNSHIP_A, type ActorName } from './fixtures.ts';
import { expectRefused } from './refused-change.ts';
import { startHarness, type Harness, type TestClient } from './room-harness.ts';

const CLOSED = /^the incident is closed; only a commander may change it$/;

describe('a closed incident', () => {
	let h: Harness;
	let observer: TestClient;
	const clients = new Map<ActorName, TestClient>();

	async function as(name: ActorName): Promise<TestClient> {
		let c = clients.get(name);
		if (!c) clients.set(name, (c = await h.join(actors[name])));
		Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(h.room.doc), 'server');
		return c;
	}

	async function accepted(name: ActorName, fn: (d: IncidentDoc) => void): Promise<void> {
		const c = await as(name);
		expect(await c.change(fn), `${name}'s change`).toEqual({ ok: true });
	}

	/**
	 * Sends the change and expects every part of it refused with `because` (undone at once: accept
	 * and compensate), never seen by others as current, with its refusal records.
	 */
	async function refused(name: ActorName, fn: (d: IncidentDoc) => void, because: RegExp): Promise<void> {
		const c = await as(name);
		const { undone, reasons } = await expectRefused(h, c, observer, () => c.change(fn));
		expect(undone, `${name}'s change is accepted and undone`).not.toBeNull();
		for (const reason of reasons) expect(reason).toMatch(because);
	}

	beforeEach(async () => {
		h = await startHarness();
		clients.clear();
		observer = await h.join(actors.viewer);
		await accepted('commander', (d) => {
			d.setMeta({ name: '暴雨引发嘉陵江洪水', status: 'active', level: 'III' });
			d.addTask('t-a', task(actors.commander, 'team-a', { status: 'accepted' }));
		});
		await accepted('townshipA', (d) => d.addLogEntry('l-a', { kind: 'follow_up', ...logOf('水位上涨') }));
		await accepted('commander', (d) => setIncidentStatus(d, 'closed'));
	});

	afterEach(async () => {
		await h?.dispose();
	});

	const logOf = (text: string) => ({
		text,
		createdBy: actors.townshipA.userId,
		ownerOrgId: actors.townshipA.orgId,
		createdAt: NOW
	});

	it('refuses a township’s figures and 续报 after closing, saying the incident is closed', async () => {
		await refused('townshipA', (d) => d.setFigure(TOWNSHIP_A, 'relocated', 120), CLOSED);
		await refused(
			'townshipA',
			(d) => addLogEntry(d, actors.townshipA, 'follow_up', '续报：水位回落'),
			CLOSED
		);
		await refused('townshipA', (d) => d.patch('log', 'l-a', { text: '水位上涨 1.2 米' }), CLOSED);
	});

	it('refuses every other role’s change inside it: tasks, progress, annotations, positions', async () => {
		await refused('fieldA', (d) => changeTaskStatus(d, actors.fieldA, 't-a', 'in_progress'), CLOSED);
		await refused(
			'fieldA',
			(d) => d.addTaskUpdate('t-a', { id: 'p', by: 'u-field-a', orgId: 'team-a', at: NOW, text: '已到达' }),
			CLOSED
		);
		await refused('agency', (d) => d.addAnnotation('a-w', annotation(actors.agency)), CLOSED);
		await refused(
			'fieldA',
			(d) => d.positions.set('u-field-a', { lonLat: [105.9, 32.6], orgId: 'team-a', at: NOW }),
			CLOSED
		);
	});

	it('lets a commander correct something inside it without reopening it', async () => {
		await accepted('commander', (d) => d.setFigure(TOWNSHIP_A, 'dead', 2));
		await accepted('commander', (d) => d.patch('log', 'l-a', { text: '水位上涨（更正）' }));
		expect(h.room.doc.getMap('meta').get('status')).toBe('closed');
		expect(contentOf(observer.doc)).toEqual(contentOf(h.room.doc));
	});

	it('takes everyone’s changes again once a commander reopens it', async () => {
		await accepted('commander', (d) => setIncidentStatus(d, 'active'));
		await accepted('townshipA', (d) => d.setFigure(TOWNSHIP_A, 'relocated', 120));
		await accepted('fieldA', (d) => changeTaskStatus(d, actors.fieldA, 't-a', 'in_progress'));
	});

	it('refuses a township reopening it together with an edit: reopening is a commander’s', async () => {
		await refused(
			'townshipA',
			(d) => {
				d.setMeta({ status: 'active' });
				d.setFigure(TOWNSHIP_A, 'relocated', 120);
			},
			CLOSED
		);
		expect(h.room.doc.getMap('meta').get('status')).toBe('closed');
	});

	it('judges an update by the incident as it was before it: a commander reopening and editing at once', async () => {
		await accepted('commander', (d) => {
			setIncidentStatus(d, 'active');
			d.setFigure(TOWNSHIP_A, 'relocated', 80);
		});
		await accepted('townshipA', (d) => d.setFigure(TOWNSHIP_A, 'relocated', 120));
	});

	it('refuses a township’s change that arrives after the close, though made while it was open', async () => {
		await accepted('commander', (d) => setIncidentStatus(d, 'active'));
		const township = await as('townshipA');
		// Made on the township's copy while the incident is open, sent once a commander has closed it.
		const late = capture(township.doc, () => township.incident.setFigure(TOWNSHIP_A, 'relocated', 300));
		await accepted('commander', (d) => setIncidentStatus(d, 'closed'));
		const { undone } = await expectRefused(h, township, observer, () => township.sendUpdate(late));
		// The township's figure row was made by the same update: both are undone.
		expect(undone?.map((u) => [u.collection, u.entityId, u.field, u.op, u.attempted, u.reason])).toEqual([
			['figures', TOWNSHIP_A, null, 'create', null, 'the incident is closed; only a commander may change it'],
			[
				'figures',
				TOWNSHIP_A,
				'relocated',
				'update',
				300,
				'the incident is closed; only a commander may change it'
			]
		]);
		expect(h.room.doc.getMap<Y.Map<number>>('figures').get(TOWNSHIP_A)?.get('relocated')).toBeUndefined();
	});

	it('is judged the same in a room loaded from the store, reopened and closed again there', async () => {
		await h.restart();
		clients.clear();
		observer = await h.join(actors.viewer);
		await refused('townshipA', (d) => d.setFigure(TOWNSHIP_A, 'relocated', 120), CLOSED);
		await accepted('commander', (d) => setIncidentStatus(d, 'active'));
		await accepted('townshipA', (d) => d.setFigure(TOWNSHIP_A, 'relocated', 120));
		await accepted('commander', (d) => setIncidentStatus(d, 'closed'));
		await refused('townshipA', (d) => d.setFigure(TOWNSHIP_A, 'relocated', 130), CLOSED);
	});
});
