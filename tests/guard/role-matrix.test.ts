/**
 * The role matrix of ARCHITECTURE.md, action by action, through the realtime core's real
 * pipeline (Room + SQLite store) with the guard as its hook: allowed edits are applied,
 * persisted and broadcast; forbidden ones are refused with `forbidden`, never reach another
 * client, and are absent after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Actor } from '../../src/lib/domain/actor.ts';
import type { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { changeTaskStatus } from '../../src/lib/state/room-actions.ts';
import {
	actors,
	annotation,
	contentOf,
	feed,
	logEntry,
	NOW,
	task,
	TOWNSHIP_A,
	TOWNSHIP_B,
	type ActorName
} from './fixtures.ts';
import { expectRefused } from './refused-change.ts';
import { startHarness, type Harness, type TestClient } from './room-harness.ts';

interface Case {
	name: string;
	as: ActorName | 'anonymous';
	change: (d: IncidentDoc, c: TestClient) => void;
	/** What the refusal must say (the sentence the refused user is shown). */
	because?: RegExp;
}

const progress = (a: Actor, id: string) => ({
	id,
	by: a.userId,
	orgId: a.orgId,
	at: NOW,
	text: '已到达现场'
});

const allowed: Case[] = [
	{
		// Closing, and what it stops, is tests/guard/closed-incident.test.ts: every case here acts on an open incident.
		name: 'a commander raises the response level',
		as: 'commander',
		change: (d) => d.setMeta({ level: 'II' })
	},
	{
		name: 'a commander arranges the video wall',
		as: 'commander',
		change: (d) => d.wall.push(['feed-1', 'feed-2'])
	},
	{
		name: 'a commander creates an annotation owned by another organisation',
		as: 'commander',
		change: (d) => d.addAnnotation('a-police', annotation(actors.commander, { ownerOrgId: 'police' }))
	},
	{
		name: 'a township edits its own figures',
		as: 'townshipA',
		change: (d) => d.setFigure(TOWNSHIP_A, 'relocated', 120)
	},
	{
		name: 'a township creates a task for a team in its township',
		as: 'townshipA',
		change: (d) => d.addTask('t-new-a', task(actors.townshipA, 'team-a'))
	},
	{
		name: 'a township edits an annotation its organisation owns',
		as: 'townshipA',
		change: (d) => d.patch('annotations', 'a-town-a', { label: '扩大的危险区' })
	},
	{
		name: 'a township edits a log entry its organisation owns',
		as: 'townshipA',
		change: (d) => d.patch('log', 'l-town-a', { text: '续报：水位回落' })
	},
	{
		name: 'an agency creates a task for its own team',
		as: 'agency',
		change: (d) => d.addTask('t-water', task(actors.agency, 'water-team'))
	},
	{
		name: 'an agency tags its task with another township (agencies work across townships)',
		as: 'agency',
		change: (d) => d.patch('tasks', 't-water', { township: TOWNSHIP_B })
	},
	{
		name: 'a commander tags a task with any township',
		as: 'commander',
		change: (d) => d.patch('tasks', 't-new-a', { township: TOWNSHIP_B })
	},
	{
		name: 'a township tags its own task with its own township',
		as: 'townshipA',
		change: (d) => d.patch('tasks', 't-new-a', { township: TOWNSHIP_A })
	},
	{
		name: 'an agency edits what its organisation owns',
		as: 'agency',
		change: (d) => d.patch('annotations', 'a-water', { note: '已封闭' })
	},
	{
		name: 'a field member accepts a task assigned to their team',
		as: 'fieldA',
		change: (d) => d.patch('tasks', 't-a', { status: 'accepted' })
	},
	{
		name: 'a field member reports progress on their team’s task',
		as: 'fieldA',
		change: (d) => d.addTaskUpdate('t-a', progress(actors.fieldA, 'p1'))
	},
	{
		name: 'a field member starts their team’s task, noting the move in its thread as the task panel does',
		as: 'fieldA',
		change: (d) => changeTaskStatus(d, actors.fieldA, 't-start', 'in_progress')
	},
	{
		name: 'a field member resumes their team’s blocked task, which clears its reason, as the task panel does',
		as: 'fieldA',
		change: (d) => changeTaskStatus(d, actors.fieldA, 't-resume', 'in_progress')
	},
	{
		name: 'a field member blocks their team’s task with a reason, as the task panel does',
		as: 'fieldA',
		change: (d) => changeTaskStatus(d, actors.fieldA, 't-resume', 'blocked', '桥梁冲毁')
	},
	{
		name: 'a field member rewords the reason their team’s task is blocked',
		as: 'fieldA',
		change: (d) => d.patch('tasks', 't-blocked', { statusReason: '道路塌方，等待挖掘机' })
	},
	{
		name: 'a field member adds an observation point',
		as: 'fieldA',
		change: (d) => d.addAnnotation('obs-1', annotation(actors.fieldA, { kind: 'observation' }))
	},
	{
		name: 'a field member edits their own observation',
		as: 'fieldA',
		change: (d) => d.patch('annotations', 'obs-1', { label: '裂缝' })
	},
	{
		name: 'a township registers a camera by an address without credentials',
		as: 'townshipA',
		change: (d) =>
			d.addFeed('f-town-a', feed(actors.townshipA, { kind: 'fixed_camera', url: 'rtsp://10.0.0.8/stream1' }))
	},
	{
		name: 'a township clears the label of its annotation (an annotation may be untitled)',
		as: 'townshipA',
		change: (d) => d.patch('annotations', 'a-town-a', { label: '' })
	},
	{
		name: 'a field member sends a quick report (现场报告) with a photo and position',
		as: 'fieldA',
		change: (d) =>
			d.addEntity('reports', 'r-field-a', {
				kind: 'hazard',
				note: '山体裂缝扩大',
				position: [105.9, 32.6],
				photo: 'photo-1',
				createdBy: actors.fieldA.userId,
				ownerOrgId: actors.fieldA.orgId,
				createdAt: NOW
			})
	},
	{
		name: 'a field member adds a note to their own report',
		as: 'fieldA',
		change: (d) => d.patch('reports', 'r-field-a', { note: '裂缝约 2 米' })
	},
	{
		name: 'a field member publishes their own position',
		as: 'fieldA',
		change: (d) => d.positions.set('u-field-a', { lonLat: [105.9, 32.6], orgId: 'team-a', at: NOW })
	}
];

const forbidden: Case[] = [
	{
		name: 'a field member editing a teammate’s report',
		as: 'fieldA2',
		change: (d) => d.patch('reports', 'r-field-a', { note: 'x' }),
		because: /may not change note/
	},
	{
		name: 'a field member sending a report as someone else',
		as: 'fieldA2',
		change: (d) =>
			d.addEntity('reports', 'r-forged', {
				kind: 'damage',
				note: '',
				position: null,
				photo: null,
				createdBy: actors.fieldA.userId,
				ownerOrgId: actors.fieldA.orgId,
				createdAt: NOW
			}),
		because: /createdBy/
	},
	{
		name: 'a field member sending a report of an unknown kind',
		as: 'fieldA',
		change: (d) =>
			d.addEntity('reports', 'r-kind', {
				kind: 'rumour' as 'other',
				note: '',
				position: null,
				photo: null,
				createdBy: actors.fieldA.userId,
				ownerOrgId: actors.fieldA.orgId,
				createdAt: NOW
			})
	},
	{
		name: 'a field member editing another team’s task',
		as: 'fieldA',
		change: (d) => d.patch('tasks', 't-b', { status: 'accepted' })
	},
	{
		name: 'a field member reassigning their task',
		as: 'fieldA',
		change: (d) => d.patch('tasks', 't-a', { assigneeOrgId: 'team-b' })
	},
	{
		name: 'a field member skipping the workflow',
		as: 'fieldA',
		change: (d) => d.patch('tasks', 't-a', { status: 'done' })
	},
	{
		name: 'a field member changing figures',
		as: 'fieldA',
		change: (d) => d.setFigure(TOWNSHIP_A, 'dead', 3)
	},
	{
		name: 'a field member drawing a danger zone',
		as: 'fieldA',
		change: (d) => d.addAnnotation('dz', annotation(actors.fieldA, { kind: 'danger_zone' }))
	},
	{
		name: 'a field member editing a teammate’s observation',
		as: 'fieldA2',
		change: (d) => d.patch('annotations', 'obs-1', { label: 'x' })
	},
	{
		name: 'a field member deleting a teammate’s observation',
		as: 'fieldA2',
		change: (d) => d.remove('annotations', 'obs-1')
	},
	{
		name: 'a field member reporting progress as someone else',
		as: 'fieldA2',
		change: (d) => d.addTaskUpdate('t-a', progress(actors.fieldA, 'forged'))
	},
	{
		name: 'a field member moving someone else’s position',
		as: 'fieldA2',
		change: (d) => d.positions.set('u-field-a', { lonLat: [105, 32], orgId: 'team-a', at: NOW })
	},
	{
		name: 'a township editing another township’s figures',
		as: 'townshipA',
		change: (d) => d.setFigure(TOWNSHIP_B, 'dead', 5)
	},
	{
		name: 'a township creating a task for another township’s team',
		as: 'townshipA',
		change: (d) => d.addTask('t-x', task(actors.townshipA, 'team-b'))
	},
	{
		name: 'a township creating a task tagged with another township',
		as: 'townshipA',
		change: (d) => d.addTask('t-tagged-b', task(actors.townshipA, 'team-a', { township: TOWNSHIP_B })),
		because: /township duty officer.*own township/
	},
	{
		name: 'a township tagging its own task with another township',
		as: 'townshipA',
		change: (d) => d.patch('tasks', 't-new-a', { township: TOWNSHIP_B }),
		because: /township duty officer.*own township/
	},
	{
		name: 'a township untagging its own task',
		as: 'townshipA',
		change: (d) => d.patch('tasks', 't-new-a', { township: null }),
		because: /township duty officer.*own township/
	},
	{
		name: 'a township deleting another organisation’s annotation',
		as: 'townshipB',
		change: (d) => d.remove('annotations', 'a-town-a')
	},
	{
		name: 'an agency deleting another organisation’s annotation',
		as: 'agency',
		change: (d) => d.remove('annotations', 'a-town-a')
	},
	{
		name: 'an agency editing another organisation’s log entry',
		as: 'agency',
		change: (d) => d.patch('log', 'l-town-a', { text: 'x' })
	},
	{ name: 'an agency closing the incident', as: 'agency', change: (d) => d.setMeta({ status: 'closed' }) },
	{
		name: 'an agency moving an item in the video wall',
		as: 'agency',
		change: (d) => {
			d.wall.delete(1, 1);
			d.wall.insert(0, ['feed-2']);
		}
	},
	{
		name: 'a township forging createdBy on a new log entry',
		as: 'townshipA',
		change: (d) => d.addLogEntry('forged', logEntry(actors.townshipA, { createdBy: 'u-cmd' }))
	},
	{
		name: 'a township giving a new annotation to another organisation',
		as: 'townshipA',
		change: (d) => d.addAnnotation('given', annotation(actors.townshipA, { ownerOrgId: 'water' }))
	},
	{
		name: 'a commander rewriting who created an entity',
		as: 'commander',
		change: (d) => d.patch('tasks', 't-a', { createdBy: 'u-cmd' })
	},
	{
		name: 'a township replacing another organisation’s annotation wholesale',
		as: 'townshipB',
		change: (d) => d.addAnnotation('a-town-a', annotation(actors.townshipB))
	},
	{
		name: 'a township registering a camera whose address carries a user name and password',
		as: 'townshipA',
		change: (d) =>
			d.addFeed(
				'f-cred',
				feed(actors.townshipA, { kind: 'fixed_camera', url: 'rtsp://admin:12345@10.0.0.8/stream1' })
			),
		because: /feeds\.url .*user name or password/
	},
	{
		name: 'a township putting credentials into the address of a feed it owns',
		as: 'townshipA',
		change: (d) => d.patch('feeds', 'f-town-a', { url: 'rtsp://admin@10.0.0.8/stream1' }),
		because: /feeds\.url .*user name or password/
	},
	{
		name: 'a township creating an annotation without a geometry',
		as: 'townshipA',
		change: (d) => d.addAnnotation('no-geometry', annotation(actors.townshipA, { geometry: undefined })),
		because: /annotations\.geometry is required/
	},
	{
		name: 'a township creating an annotation without a kind',
		as: 'townshipA',
		change: (d) => d.addAnnotation('no-kind', annotation(actors.townshipA, { kind: undefined })),
		because: /annotations\.kind is required/
	},
	{
		name: 'an agency creating a task without a title',
		as: 'agency',
		change: (d) => d.addTask('no-title', task(actors.agency, 'water-team', { title: undefined })),
		because: /tasks\.title is required/
	},
	{
		name: 'a commander creating a task with a blank title',
		as: 'commander',
		change: (d) => d.addTask('blank-title', task(actors.commander, 'team-a', { title: '  ' })),
		because: /tasks\.title must not be empty/
	},
	{
		name: 'a commander creating a task without a priority',
		as: 'commander',
		change: (d) => d.addTask('no-priority', task(actors.commander, 'team-a', { priority: undefined })),
		because: /tasks\.priority is required/
	},
	{
		name: 'a township adding a log entry without text',
		as: 'townshipA',
		change: (d) => d.addLogEntry('no-text', logEntry(actors.townshipA, { text: undefined })),
		because: /log\.text is required/
	},
	{
		name: 'a township adding a log entry with empty text',
		as: 'townshipA',
		change: (d) => d.addLogEntry('empty-text', logEntry(actors.townshipA, { text: '' })),
		because: /log\.text must not be empty/
	},
	{
		name: 'a township registering a feed without an address',
		as: 'townshipA',
		change: (d) => d.addFeed('no-url', feed(actors.townshipA, { url: undefined })),
		because: /feeds\.url is required/
	},
	{
		name: 'a township removing the geometry of its own annotation',
		as: 'townshipA',
		change: (_d, c) => c.doc.getMap<Y.Map<unknown>>('annotations').get('a-town-a')!.delete('geometry'),
		because: /annotations\.geometry is required and cannot be removed/
	},
	{
		name: 'a commander removing the kind of an annotation',
		as: 'commander',
		change: (_d, c) => c.doc.getMap<Y.Map<unknown>>('annotations').get('a-water')!.delete('kind'),
		because: /annotations\.kind is required and cannot be removed/
	},
	{
		name: 'a commander removing the assignee of a task',
		as: 'commander',
		change: (_d, c) => c.doc.getMap<Y.Map<unknown>>('tasks').get('t-a')!.delete('assigneeOrgId'),
		because: /tasks\.assigneeOrgId is required and cannot be removed/
	},
	{
		name: 'a township emptying the title of its own task',
		as: 'townshipA',
		change: (d) => d.patch('tasks', 't-new-a', { title: ' ' }),
		because: /tasks\.title must not be empty/
	},
	{
		name: 'a township emptying the text of its own log entry',
		as: 'townshipA',
		change: (d) => d.patch('log', 'l-town-a', { text: '' }),
		because: /log\.text must not be empty/
	},
	{
		name: 'a township emptying the name of its own feed',
		as: 'townshipA',
		change: (d) => d.patch('feeds', 'f-town-a', { name: '' }),
		because: /feeds\.name must not be empty/
	},
	{
		name: 'a field member removing the reason of their team’s blocked task',
		as: 'fieldA',
		change: (_d, c) => c.doc.getMap<Y.Map<unknown>>('tasks').get('t-blocked')!.delete('statusReason'),
		because: /a blocked task keeps a reason/
	},
	{
		name: 'a field member emptying the reason of their team’s blocked task',
		as: 'fieldA',
		change: (d) => d.patch('tasks', 't-blocked', { statusReason: ' ' }),
		because: /a blocked task keeps a reason/
	},
	{
		name: 'a commander emptying the reason of a cancelled task',
		as: 'commander',
		change: (d) => d.patch('tasks', 't-cancelled', { statusReason: '' }),
		because: /a cancelled task keeps a reason/
	},
	{
		name: 'a commander creating a task as cancelled without a reason',
		as: 'commander',
		change: (d) => d.addTask('t-x-cancelled', task(actors.commander, 'team-a', { status: 'cancelled' })),
		because: /a task set to cancelled needs a reason/
	},
	{
		name: 'a field member reporting a move to 已完成 that did not happen',
		as: 'fieldA',
		change: (d) => d.addTaskUpdate('t-start', { ...progress(actors.fieldA, 'claims-done'), status: 'done' }),
		because: /records a move to done.*stays in_progress/
	},
	{
		name: 'a field member recording another move than the one they make',
		as: 'fieldA',
		change: (d) => {
			d.patch('tasks', 't-start', { status: 'blocked', statusReason: '塌方' });
			d.addTaskUpdate('t-start', { ...progress(actors.fieldA, 'claims-done-2'), status: 'done' });
		},
		because: /records a move to done.*goes from in_progress to blocked/
	},
	{
		name: 'a commander recording a move that writes the status the task already has',
		as: 'commander',
		change: (d) => {
			d.patch('tasks', 't-b', { status: 'dispatched' });
			d.addTaskUpdate('t-b', { ...progress(actors.commander, 'same'), status: 'dispatched' });
		},
		because: /records a move to dispatched.*stays dispatched/
	},
	{
		name: 'a field member recording one move twice',
		as: 'fieldA',
		change: (d) => {
			changeTaskStatus(d, actors.fieldA, 't-start', 'done');
			d.addTaskUpdate('t-start', { ...progress(actors.fieldA, 'twice'), status: 'done' });
		},
		because: /one progress update records it/
	},
	{
		name: 'a commander creating a task whose thread already records a move',
		as: 'commander',
		change: (d) => {
			d.addTask('t-x-moved', task(actors.commander, 'team-a'));
			d.addTaskUpdate('t-x-moved', { ...progress(actors.commander, 'born-moved'), status: 'dispatched' });
		},
		because: /a new task’s thread records no move/
	},
	{
		name: 'anyone writing feed health',
		as: 'commander',
		change: (d) => d.feedHealth.set('feed-1', { state: 'online', checkedAt: NOW, detail: '' })
	},
	{
		name: 'a viewer writing anything',
		as: 'viewer',
		change: (d) => d.addLogEntry('v', logEntry(actors.viewer))
	},
	{
		name: 'a viewer publishing a position',
		as: 'viewer',
		change: (d) => d.positions.set('u-viewer', { lonLat: [105, 32], orgId: 'cmd', at: NOW })
	},
	{
		name: 'an administrator editing an incident',
		as: 'admin',
		change: (d) => d.setMeta({ name: 'renamed' })
	},
	{
		name: 'an anonymous connection writing anything',
		as: 'anonymous',
		change: (d) => d.setMeta({ name: 'renamed' })
	},
	{
		name: 'a field member blanking a field of another team’s task',
		as: 'fieldA',
		change: (_d, c) => c.doc.getMap<Y.Map<unknown>>('tasks').get('t-b')!.delete('title')
	}
];

describe('the role matrix through the realtime core', () => {
	let h: Harness;
	const clients = new Map<string, TestClient>();
	let observer: TestClient;

	const client = async (as: ActorName | 'anonymous'): Promise<TestClient> => {
		let c = clients.get(as);
		if (!c) {
			c = await h.join(as === 'anonymous' ? null : actors[as]);
			clients.set(as, c);
		}
		return c;
	};

	beforeAll(async () => {
		h = await startHarness();
		observer = await h.join(actors.viewer);
		// Seed: what the cases act on, each made by someone allowed to.
		const seed: Array<[ActorName, (d: IncidentDoc) => void]> = [
			['commander', (d) => d.addTask('t-a', task(actors.commander, 'team-a'))],
			['commander', (d) => d.addTask('t-b', task(actors.commander, 'team-b', { township: TOWNSHIP_B }))],
			['commander', (d) => d.addTask('t-start', task(actors.commander, 'team-a', { status: 'accepted' }))],
			[
				'commander',
				(d) =>
					d.addTask(
						't-blocked',
						task(actors.commander, 'team-a', { status: 'blocked', statusReason: '道路塌方' })
					)
			],
			[
				'commander',
				(d) =>
					d.addTask('t-resume', task(actors.commander, 'team-a', { status: 'blocked', statusReason: '塌方' }))
			],
			[
				'commander',
				(d) =>
					d.addTask(
						't-cancelled',
						task(actors.commander, 'team-a', { status: 'cancelled', statusReason: '重复派发' })
					)
			],
			['townshipA', (d) => d.addAnnotation('a-town-a', annotation(actors.townshipA))],
			['townshipA', (d) => d.addLogEntry('l-town-a', logEntry(actors.townshipA))],
			['agency', (d) => d.addAnnotation('a-water', annotation(actors.agency))],
			['townshipB', (d) => d.setFigure(TOWNSHIP_B, 'dead', 1)]
		];
		for (const [as, fn] of seed) {
			const c = await client(as);
			await syncFromRoom(c);
			expect(await c.change(fn), `seed by ${as}`).toEqual({ ok: true });
		}
	});

	afterAll(async () => {
		await h?.dispose();
	});

	/** Clients catch up with the room (others' changes arrive by broadcast; this is the same). */
	async function syncFromRoom(c: TestClient): Promise<void> {
		Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(h.room.doc), 'server');
	}

	for (const k of allowed) {
		it(`allows ${k.name}`, async () => {
			const c = await client(k.as);
			await syncFromRoom(c);
			const heard = observer.received.length;
			const r = await c.change((d) => k.change(d, c));
			expect(r).toEqual({ ok: true });
			expect(c.refusals).toEqual([]);
			expect(observer.received.length).toBeGreaterThan(heard);
			expect(contentOf(observer.doc)).toEqual(contentOf(h.room.doc));
		});
	}

	for (const k of forbidden) {
		it(`refuses ${k.name}`, async () => {
			const c = await client(k.as);
			await syncFromRoom(c);
			// Refused whole or undone at once (accept and compensate): see refused-change.ts.
			const { reasons } = await expectRefused(h, c, observer, () => c.change((d) => k.change(d, c)));
			if (k.because) expect(reasons.join('\n')).toMatch(k.because);
			if (process.env.SHOW_REFUSALS) console.log(k.name, '→', reasons.join('; '));
		});
	}

	it('refuses writing under a Yjs client id another connection has claimed', async () => {
		const a = await client('townshipA');
		await syncFromRoom(a);
		expect(await a.change((d) => d.setFigure(TOWNSHIP_A, 'injured', 1))).toEqual({ ok: true });
		const other = await h.join(actors.townshipA);
		Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(h.room.doc));
		other.doc.clientID = a.doc.clientID;
		const r = await other.change((d) => d.setFigure(TOWNSHIP_A, 'injured', 2));
		expect(r.ok).toBe(false);
		expect(other.refusals.at(-1)?.message).toMatch(/client id/);
	});

	it('records who changed what, and keeps exactly the allowed changes across a restart', async () => {
		const changes = await h.attribution.changesOf('incident-1', 'tasks', 't-a');
		expect(changes.map((c) => [c.userId, c.field, c.op])).toEqual([
			['u-field-a', 'updates', 'create'],
			['u-field-a', 'status', 'update'],
			['u-cmd', null, 'create']
		]);
		const attribution = await h.attribution.attribution('incident-1');
		expect(attribution.find((a) => a.collection === 'annotations' && a.entityId === 'obs-1')).toMatchObject({
			createdBy: 'u-field-a',
			lastChangedBy: 'u-field-a'
		});
		const seen = contentOf(observer.doc);
		expect(contentOf(h.room.doc)).toEqual(seen);
		await h.restart();
		expect(contentOf(h.room.doc)).toEqual(seen);
		const tasks = h.room.doc.getMap<Y.Map<unknown>>('tasks');
		expect(tasks.get('t-b')!.get('status')).toBe('dispatched');
		expect(tasks.get('t-a')!.get('assigneeOrgId')).toBe('team-a');
		expect(h.room.doc.getMap('log').has('forged')).toBe(false);
		expect(h.room.doc.getMap<Y.Map<number>>('figures').get(TOWNSHIP_B)!.get('dead')).toBe(1);
		expect(h.room.doc.getMap('meta').get('name')).toBeUndefined();
		// Attribution survived too.
		expect(await h.attribution.changesOf('incident-1', 'tasks', 't-a')).toHaveLength(3);
	});
});
