/**
 * The permission policy as the UI asks it: which controls to offer whom. The same functions
 * decide on the server (tests/guard/role-matrix.test.ts drives them through real updates).
 */
import { describe, expect, it } from 'vitest';
import {
	allowedStatusChanges,
	can,
	canTagTownship,
	editableFields,
	mayChangeIncident,
	whyNotSetField
} from '../../src/lib/domain/policy.ts';
import * as Y from 'yjs';
import {
	FIELDS,
	IncidentDoc,
	type EntityCollection,
	type TaskUpdate
} from '../../src/lib/domain/incident-doc.ts';
import {
	checkFieldValue,
	checkFigureValue,
	checkRequiredFields,
	checkTaskUpdateValue
} from '../../src/lib/domain/policy/values.ts';
import { createAnnotation } from '../../src/lib/map/annotations/annotation-edits.ts';
import { addLogEntry, createTask, registerFeed } from '../../src/lib/state/room-actions.ts';
import { feedUrlProblem } from '../../src/lib/domain/feeds.ts';
import { actors, annotation, orgs, task, TOWNSHIP_A, TOWNSHIP_B } from '../guard/fixtures.ts';

const facts = (x: object): Record<string, unknown> => ({ ...x });

describe('the permission policy', () => {
	const teamATask = facts(task(actors.commander, 'team-a', { status: 'accepted' }));

	it('offers a field member only the next workflow steps on their own team’s task', () => {
		expect(allowedStatusChanges(actors.fieldA, teamATask, orgs)).toEqual([
			'in_progress',
			'blocked',
			'cancelled'
		]);
		expect(allowedStatusChanges(actors.fieldB, teamATask, orgs)).toEqual([]);
		expect([...editableFields(actors.fieldA, 'tasks', teamATask, orgs)].sort()).toEqual([
			'status',
			'statusReason'
		]);
	});

	it('lets a commander set any status but still asks for a reason when blocking', () => {
		expect(allowedStatusChanges(actors.commander, teamATask, orgs)).toContain('new');
		const after = { ...teamATask, status: 'blocked', statusReason: '' };
		expect(whyNotSetField(actors.commander, 'tasks', teamATask, 'status', 'blocked', after, orgs)).toMatch(
			/reason/
		);
		expect(
			whyNotSetField(
				actors.commander,
				'tasks',
				teamATask,
				'status',
				'blocked',
				{ ...after, statusReason: '塌方' },
				orgs
			)
		).toBeNull();
	});

	it('keeps task assignment within an agency’s teams and a township’s township', () => {
		const own = facts(task(actors.agency, 'water-team'));
		expect(whyNotSetField(actors.agency, 'tasks', own, 'assigneeOrgId', 'water', own, orgs)).toBeNull();
		expect(whyNotSetField(actors.agency, 'tasks', own, 'assigneeOrgId', 'team-a', own, orgs)).toMatch(
			/assign/
		);
		expect(
			can(
				actors.townshipA,
				'create',
				{ collection: 'tasks', entity: facts(task(actors.townshipA, 'team-a')) },
				orgs
			)
		).toBe(true);
		expect(
			can(
				actors.townshipA,
				'create',
				{ collection: 'tasks', entity: facts(task(actors.townshipA, 'team-b')) },
				orgs
			)
		).toBe(false);
	});

	it('lets townships edit only their own figures and nobody else but commanders edit any', () => {
		expect(can(actors.townshipA, 'update', { collection: 'figures', township: TOWNSHIP_A }, orgs)).toBe(true);
		expect(can(actors.townshipA, 'update', { collection: 'figures', township: TOWNSHIP_B }, orgs)).toBe(
			false
		);
		expect(can(actors.commander, 'update', { collection: 'figures', township: TOWNSHIP_B }, orgs)).toBe(true);
		expect(can(actors.agency, 'update', { collection: 'figures', township: TOWNSHIP_A }, orgs)).toBe(false);
	});

	it('gives viewers and administrators nothing to edit inside an incident', () => {
		for (const a of [actors.viewer, actors.admin]) {
			expect(editableFields(a, 'annotations', facts(annotation(a)), orgs).size).toBe(0);
			expect(can(a, 'create', { collection: 'log', entity: {} }, orgs)).toBe(false);
			expect(can(a, 'update', { collection: 'positions', userId: a.userId }, orgs)).toBe(false);
		}
	});

	it('never lets anyone change who created an entity', () => {
		const a = facts(annotation(actors.townshipA));
		for (const actor of [actors.commander, actors.townshipA]) {
			expect(whyNotSetField(actor, 'annotations', a, 'createdBy', actor.userId, a, orgs)).toMatch(
				/never changes/
			);
		}
		expect(
			can(
				actors.townshipA,
				'create',
				{ collection: 'annotations', entity: { ...a, createdBy: 'someone' } },
				orgs
			)
		).toBe(false);
	});

	it('checks the shape of values written into the document', () => {
		expect(
			checkFieldValue('annotations', 'geometry', { type: 'Point', coordinates: [105.9, 32.6] })
		).toBeNull();
		expect(checkFieldValue('annotations', 'geometry', { type: 'Point', coordinates: [500, 32.6] })).toMatch(
			/geometry/
		);
		expect(checkFieldValue('feeds', 'url', 'javascript:alert(1)')).toMatch(/address/);
		expect(checkFieldValue('tasks', 'status', 'finished')).toMatch(/one of/);
		expect(checkFigureValue('dead', -1)).toMatch(/whole number/);
		expect(checkTaskUpdateValue({ id: 'p', by: 'u', orgId: 'o', at: 'x', text: 'ok', extra: 1 })).toMatch(
			/unknown field/
		);
	});

	it('judges a feed address by the same rules as the register-a-feed form', () => {
		const addresses = [
			'https://video.example.cn/live/shahe.m3u8',
			'rtsp://10.0.0.8/stream1',
			'rtsp://admin:12345@10.0.0.8/stream1',
			'rtmp://user@live.example.cn/app',
			'javascript:alert(1)',
			'file:///etc/passwd',
			'http:foo',
			'not an address',
			'https://' + 'a'.repeat(2048)
		];
		for (const url of addresses) {
			expect(checkFieldValue('feeds', 'url', url) === null, url).toBe(feedUrlProblem(url) === null);
		}
		expect(checkFieldValue('feeds', 'url', 'rtsp://admin:12345@10.0.0.8/stream1')).toMatch(
			/user name or password/
		);
	});

	it('lets a township duty officer tag tasks only with their own township, agencies and commanders with any', () => {
		expect(canTagTownship(actors.townshipA, TOWNSHIP_A)).toBe(true);
		expect(canTagTownship(actors.townshipA, TOWNSHIP_B)).toBe(false);
		expect(canTagTownship(actors.townshipA, null)).toBe(false);
		for (const a of [actors.agency, actors.commander]) {
			expect(canTagTownship(a, TOWNSHIP_B)).toBe(true);
			expect(canTagTownship(a, null)).toBe(true);
		}
		expect(canTagTownship(actors.fieldA, TOWNSHIP_A)).toBe(false);
	});

	it('accepts every entity the room’s forms create with only their required inputs filled', () => {
		const d = new IncidentDoc(new Y.Doc());
		const a = actors.townshipA;
		const made: Array<[EntityCollection, string]> = [
			[
				'tasks',
				createTask(d, a, {
					title: '转移群众',
					description: '',
					assigneeOrgId: 'team-a',
					township: TOWNSHIP_A,
					priority: 'normal',
					dueAt: null,
					location: null
				})
			],
			['log', addLogEntry(d, a, 'follow_up', '水位上涨')],
			[
				'feeds',
				registerFeed(d, a, {
					name: '无人机',
					kind: 'drone',
					url: 'https://video.example.cn/live.m3u8',
					position: null,
					ownerOrgId: a.orgId
				})
			],
			[
				'annotations',
				createAnnotation(d, a, {
					kind: 'danger_zone',
					label: '',
					note: '',
					geometry: { type: 'Point', coordinates: [105.9, 32.65] }
				})
			]
		];
		for (const [collection, id] of made) {
			const entity = d.read<Record<string, unknown>>(collection, id)!;
			expect(checkRequiredFields(collection, entity), collection).toBeNull();
			for (const field of FIELDS[collection]) {
				if (field === 'updates' || entity[field] === undefined) continue;
				expect(checkFieldValue(collection, field, entity[field]), `${collection}.${field}`).toBeNull();
			}
		}
	});

	it('accepts a progress update recording a move only together with that move of the task', () => {
		const before = facts(task(actors.commander, 'team-a', { status: 'accepted' }));
		const note = { by: actors.fieldA.userId, orgId: actors.fieldA.orgId };
		const report = (task: Record<string, unknown>, entry: Partial<TaskUpdate>) =>
			can(actors.fieldA, 'create', { collection: 'taskUpdates', task, entry, before }, orgs);
		const started = { ...note, status: 'in_progress' as const };
		expect(report({ ...before, status: 'in_progress' }, started)).toBe(true);
		expect(report(before, started)).toBe(false);
		expect(report({ ...before, status: 'blocked', statusReason: '塌方' }, started)).toBe(false);
		expect(report(before, note)).toBe(true);
	});

	it('keeps the reason of a blocked task: it may be reworded, not removed or emptied', () => {
		const blocked = facts(task(actors.commander, 'team-a', { status: 'blocked', statusReason: '塌方' }));
		const set = (reason: unknown) =>
			whyNotSetField(
				actors.fieldA,
				'tasks',
				blocked,
				'statusReason',
				reason,
				{ ...blocked, statusReason: reason },
				orgs
			);
		expect(set('道路塌方，等待挖掘机')).toBeNull();
		expect(set('')).toMatch(/keeps a reason/);
		expect(set(undefined)).toMatch(/keeps a reason/);
	});

	it('shows a closed incident read-only to everyone but commanders', () => {
		for (const a of [actors.agency, actors.townshipA, actors.fieldA, actors.viewer, actors.admin]) {
			expect(mayChangeIncident(a, { status: 'closed' }), a.userId).toBe(false);
		}
		expect(mayChangeIncident(actors.commander, { status: 'closed' })).toBe(true);
		expect(mayChangeIncident(actors.townshipA, { status: 'active' })).toBe(true);
		expect(mayChangeIncident(actors.viewer, { status: 'active' })).toBe(false);
	});
});
