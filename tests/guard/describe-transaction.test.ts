/**
 * Changes the server makes for a user (opening an incident through REST, the demo's seed) are
 * attributed from their Yjs transaction, in the same row shapes as a client's judged update.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentDoc, type Annotation, type Task } from '../../src/lib/domain/incident-doc.ts';
import { describeTransaction } from '../../server/guard/describe-transaction.ts';
import type { Change } from '../../server/guard/evaluate.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, validIncident } from '../incidents/helpers.ts';

const ANNOTATION: Annotation = {
	kind: 'danger_zone',
	label: '沙河镇滑坡危险区',
	note: '',
	geometry: { type: 'Point', coordinates: [105.9, 32.6] },
	taskIds: [],
	feedIds: [],
	createdBy: 'u-1',
	ownerOrgId: 'org-1',
	createdAt: '2024-07-01T08:00:00+08:00'
};

const TASK = {
	title: '转移沙河镇群众',
	description: '',
	status: 'new',
	priority: 'high',
	assigneeOrgId: 'org-2',
	createdBy: 'u-1',
	ownerOrgId: 'org-1',
	createdAt: '2024-07-01T08:00:00+08:00'
} as unknown as Task;

/** The rows of each transaction `fn` makes on a doc prepared by `setup`. */
function rowsOf(setup: (d: IncidentDoc) => void, fn: (d: IncidentDoc) => void): Change[] {
	const doc = new Y.Doc({ gc: false });
	const d = new IncidentDoc(doc);
	setup(d);
	const rows: Change[] = [];
	const onTr = (tr: Y.Transaction): void => {
		rows.push(...describeTransaction(tr));
	};
	doc.on('afterTransaction', onTr);
	fn(d);
	doc.off('afterTransaction', onTr);
	return rows;
}

describe('describeTransaction', () => {
	it('gives a created entity one create row, whatever fields it came with', () => {
		expect(
			rowsOf(
				() => {},
				(d) => d.addAnnotation('a1', ANNOTATION)
			)
		).toEqual([{ collection: 'annotations', entityId: 'a1', field: null, op: 'create' }]);
		expect(
			rowsOf(
				() => {},
				(d) => d.addTask('t1', TASK)
			)
		).toEqual([{ collection: 'tasks', entityId: 't1', field: null, op: 'create' }]);
	});

	it('gives set and removed fields of an existing entity update and delete rows', () => {
		const rows = rowsOf(
			(d) => d.addAnnotation('a1', ANNOTATION),
			(d) =>
				d.doc.transact(() => {
					d.patch('annotations', 'a1', { label: '新标签' });
					d.doc.getMap<Y.Map<unknown>>('annotations').get('a1')!.delete('note');
				})
		);
		expect(rows).toEqual(
			expect.arrayContaining([
				{ collection: 'annotations', entityId: 'a1', field: 'label', op: 'update' },
				{ collection: 'annotations', entityId: 'a1', field: 'note', op: 'delete' }
			])
		);
		expect(rows).toHaveLength(2);
	});

	it('records deleted entities, progress added to a task, figures, meta and the wall', () => {
		const setup = (d: IncidentDoc): void => {
			d.addAnnotation('a1', ANNOTATION);
			d.addTask('t1', TASK);
			d.setFigure('510812100', 'dead', 0);
		};
		expect(rowsOf(setup, (d) => d.remove('annotations', 'a1'))).toEqual([
			{ collection: 'annotations', entityId: 'a1', field: null, op: 'delete' }
		]);
		expect(
			rowsOf(setup, (d) =>
				d.addTaskUpdate('t1', { at: '2024-07-01T09:00:00+08:00', by: 'u-2', text: '已到达' } as never)
			)
		).toEqual([{ collection: 'tasks', entityId: 't1', field: 'updates', op: 'create' }]);
		expect(rowsOf(setup, (d) => d.setFigure('510812100', 'dead', 2))).toEqual([
			{ collection: 'figures', entityId: '510812100', field: 'dead', op: 'update' }
		]);
		expect(rowsOf(setup, (d) => d.setFigure('510812101', 'missing', 1))).toEqual([
			{ collection: 'figures', entityId: '510812101', field: null, op: 'create' }
		]);
		expect(rowsOf(setup, (d) => d.setMeta({ level: 'III' }))).toEqual([
			{ collection: 'meta', entityId: null, field: 'level', op: 'update' }
		]);
		expect(rowsOf(setup, (d) => d.doc.getArray('wall').push(['f1']))).toEqual([
			{ collection: 'wall', entityId: null, field: null, op: 'update' }
		]);
	});
});

describe('describeTransaction of what only the server writes', () => {
	it('records no rows for feed health or the warnings mirror: the server’s own bookkeeping, not a person’s change', () => {
		const warning = {
			title: '红色预警',
			level: 'red',
			kind: 'warning',
			issuedAt: '2024-07-01T08:00:00+08:00',
			expiresAt: null,
			status: 'active',
			targetCount: 1,
			acknowledgedCount: 0
		} as const;
		expect(
			rowsOf(
				() => {},
				(d) => d.feedHealth.set('f1', { state: 'online', checkedAt: '2024-07-01T08:00:00+08:00', detail: '' })
			)
		).toEqual([]);
		expect(
			rowsOf(
				() => {},
				(d) => d.addEntity('warnings', 'w1', warning)
			)
		).toEqual([]);
		expect(
			rowsOf(
				(d) => d.addEntity('warnings', 'w1', warning),
				(d) => d.patch('warnings', 'w1', { acknowledgedCount: 1 })
			)
		).toEqual([]);
	});
});

describe('attribution of changes the server makes for a user', () => {
	let server: TestServer;
	let township: TestSession;
	let commander: TestSession;
	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		township = await server.login('chaotian');
		commander = await server.login('commander');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	it('records the opener of an incident opened through REST as the author of its fields', async () => {
		const opened = await call<{ incident: { id: string } }>(
			server.url,
			township,
			'POST',
			'/api/incidents',
			validIncident({ name: '朝天镇内涝' })
		);
		expect(opened.status).toBe(201);
		const id = opened.body.incident.id;
		const audit = await call<{ changes: Array<{ userId: string | null; field: string | null; op: string }> }>(
			server.url,
			commander,
			'GET',
			`/api/incidents/${id}/audit?collection=meta`
		);
		expect(audit.status).toBe(200);
		const me = await call<{ user: { id: string } }>(server.url, township, 'GET', '/api/session');
		const fields = audit.body.changes.map((c) => c.field);
		expect(fields).toEqual(expect.arrayContaining(['name', 'type', 'severity', 'level', 'status']));
		for (const c of audit.body.changes) expect(c).toMatchObject({ userId: me.body.user.id, op: 'update' });
	});

	it('shows who created each entity of the demo incident', async () => {
		const res = await call<{
			entities: Array<{
				collection: string;
				entityId: string;
				createdBy: string | null;
				createdByName: string | null;
			}>;
		}>(server.url, commander, 'GET', '/api/incidents/inc-demo-jialing/attribution');
		expect(res.status).toBe(200);
		const seeded = res.body.entities.filter((e) => ['tasks', 'annotations', 'log'].includes(e.collection));
		expect(seeded.length).toBeGreaterThan(3);
		for (const e of seeded) expect(e.createdByName, `${e.collection} ${e.entityId}`).toBeTruthy();
	});
});
