/**
 * The logic the situation-room pages rely on, without a browser: board totals, task views,
 * incident filters, presence, the edits a room makes, and the reactive model of a document.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { IncidentDoc, type Task } from '../../src/lib/domain/incident-doc.ts';
import type { Actor } from '../../src/lib/domain/actor.ts';
import {
	boardTownships,
	decisions,
	figureTotals,
	logNewestFirst,
	type LogItem
} from '../../src/lib/state/board.ts';
import {
	columnsByStatus,
	filterTasks,
	isOverdue,
	NO_TASK_FILTER,
	progressByTownship,
	sortTasks,
	type TaskItem
} from '../../src/lib/state/tasks.ts';
import { DEFAULT_INCIDENT_FILTER, filterIncidents } from '../../src/lib/state/incident-list.ts';
import type { IncidentSummary } from '../../src/lib/domain/api/incidents.ts';
import { currentPresenter, readParticipant, readUser } from '../../src/lib/state/presence.svelte.ts';
import {
	changeTaskStatus,
	createTask,
	pinToWall,
	ReasonRequiredError,
	unpinFromWall
} from '../../src/lib/state/room-actions.ts';
import { RoomModel } from '../../src/lib/state/room-model.svelte.ts';

const CHAOTIAN = '510812100';
const DATAN = '510812101';
const NOW = Date.parse('2026-07-01T10:00:00Z');

function task(id: string, fields: Partial<TaskItem> = {}): TaskItem {
	return {
		id,
		title: id,
		description: '',
		assigneeOrgId: 'twp-510812100-squad',
		township: CHAOTIAN,
		priority: 'normal',
		dueAt: null,
		location: null,
		status: 'dispatched',
		statusReason: '',
		createdBy: 'u1',
		ownerOrgId: 'command-centre',
		createdAt: '2026-07-01T08:00:00Z',
		...fields
	};
}

function logEntry(id: string, kind: LogItem['kind'], createdAt: string): LogItem {
	return { id, kind, text: id, createdBy: 'u1', ownerOrgId: 'command-centre', createdAt };
}

describe('the board', () => {
	it('totals every township’s figures and counts unreported figures as zero', () => {
		const totals = figureTotals({
			[CHAOTIAN]: { relocated: 1250, dead: 0 },
			[DATAN]: { relocated: 210, injured: 3 }
		});
		expect(totals.relocated).toBe(1460);
		expect(totals.injured).toBe(3);
		expect(totals.missing).toBe(0);
	});

	it('lists the affected townships first, then any other township that reported figures', () => {
		expect(boardTownships([DATAN], { [CHAOTIAN]: { dead: 1 }, [DATAN]: {} })).toEqual([DATAN, CHAOTIAN]);
	});

	it('shows the log newest first and the consultation’s decisions apart', () => {
		const log = [
			logEntry('a', 'initial_report', '2026-07-01T05:00:00Z'),
			logEntry('b', 'decision', '2026-07-01T06:00:00Z'),
			logEntry('c', 'follow_up', '2026-07-01T07:00:00Z')
		];
		expect(logNewestFirst(log).map((e) => e.id)).toEqual(['c', 'b', 'a']);
		expect(decisions(log).map((e) => e.id)).toEqual(['b']);
	});
});

describe('task views', () => {
	const tasks = [
		task('late', { dueAt: '2026-07-01T09:00:00Z', priority: 'low' }),
		task('urgent', { priority: 'urgent' }),
		task('done-late', { dueAt: '2026-07-01T09:00:00Z', status: 'done' }),
		task('datan', { township: DATAN, assigneeOrgId: 'twp-510812101-squad', status: 'blocked' })
	];

	it('marks an open task past its due time as overdue, but never a finished one', () => {
		expect(isOverdue(tasks[0]!, NOW)).toBe(true);
		expect(isOverdue(tasks[2]!, NOW)).toBe(false);
		expect(isOverdue(tasks[1]!, NOW)).toBe(false);
	});

	it('puts overdue tasks first and finished ones last, then orders by priority', () => {
		expect(sortTasks(tasks, NOW).map((t) => t.id)).toEqual(['late', 'urgent', 'datan', 'done-late']);
	});

	it('filters by township, assignee and status together', () => {
		expect(filterTasks(tasks, { ...NO_TASK_FILTER, township: DATAN }).map((t) => t.id)).toEqual(['datan']);
		expect(filterTasks(tasks, { ...NO_TASK_FILTER, status: 'done' }).map((t) => t.id)).toEqual(['done-late']);
		expect(
			filterTasks(tasks, { township: CHAOTIAN, assigneeOrgId: 'twp-510812101-squad', status: null })
		).toEqual([]);
	});

	it('shows every status as a board column, in workflow order', () => {
		const cols = columnsByStatus(tasks);
		expect(cols.map((c) => c.status)).toEqual([
			'new',
			'dispatched',
			'accepted',
			'in_progress',
			'done',
			'blocked',
			'cancelled'
		]);
		expect(cols.find((c) => c.status === 'dispatched')!.tasks).toHaveLength(2);
	});

	it('counts task progress per township and status for the leaders’ screen', () => {
		const p = progressByTownship(tasks);
		expect(p.map((x) => x.township)).toEqual([CHAOTIAN, DATAN]);
		expect(p[0]).toMatchObject({ total: 3, done: 1 });
		expect(p[0]!.counts.dispatched).toBe(2);
		expect(p[1]!.counts.blocked).toBe(1);
	});
});

describe('the incident list', () => {
	const incident = (id: string, fields: Partial<IncidentSummary>): IncidentSummary => ({
		id,
		name: id,
		type: 'flood',
		severity: 'general',
		level: 'IV',
		status: 'active',
		townships: [CHAOTIAN],
		location: null,
		occurredAt: '2026-07-01T05:00:00Z',
		createdBy: null,
		createdOrgId: null,
		createdAt: '2026-07-01T05:10:00Z',
		updatedAt: '2026-07-01T05:10:00Z',
		closedAt: null,
		...fields
	});
	const list = [
		incident('嘉陵江洪水', { severity: 'large', occurredAt: '2026-07-01T04:00:00Z' }),
		incident('大滩镇滑坡', { type: 'landslide', townships: [DATAN] }),
		incident('去年山火', { type: 'forest_fire', status: 'closed' })
	];

	it('shows active incidents newest first by default', () => {
		expect(filterIncidents(list, DEFAULT_INCIDENT_FILTER).map((i) => i.id)).toEqual([
			'大滩镇滑坡',
			'嘉陵江洪水'
		]);
	});

	it('filters by type, township, severity and a name search', () => {
		const f = DEFAULT_INCIDENT_FILTER;
		expect(filterIncidents(list, { ...f, township: DATAN }).map((i) => i.id)).toEqual(['大滩镇滑坡']);
		expect(filterIncidents(list, { ...f, severity: 'large' }).map((i) => i.id)).toEqual(['嘉陵江洪水']);
		expect(filterIncidents(list, { ...f, search: ' 洪水 ' }).map((i) => i.id)).toEqual(['嘉陵江洪水']);
		expect(filterIncidents(list, { ...f, status: 'closed', type: 'forest_fire' }).map((i) => i.id)).toEqual([
			'去年山火'
		]);
	});
});

describe('presence', () => {
	it('reads the identity the server stamps on awareness states', () => {
		expect(
			readUser({
				id: 'u1',
				name: '值班指挥长',
				org: 'command-centre',
				orgName: '朝天区应急指挥中心',
				role: 'commander'
			})
		).toEqual({
			id: 'u1',
			name: '值班指挥长',
			orgId: 'command-centre',
			orgName: '朝天区应急指挥中心',
			role: 'commander'
		});
	});

	it('takes whoever started presenting last as the presenter, and ignores malformed views', () => {
		const a = readParticipant(1, { presentingSince: 100, view: { center: [105.9, 32.6], zoom: 11 } }, 3);
		const b = readParticipant(2, { presentingSince: 200, view: { center: 'nowhere', zoom: 11 } }, 3);
		const c = readParticipant(3, { presentingSince: null }, 3);
		expect(currentPresenter([a, b, c])?.clientId).toBe(2);
		expect(a.view).toEqual({ center: [105.9, 32.6], zoom: 11 });
		expect(b.view).toBeNull();
		expect(c.self).toBe(true);
		expect(currentPresenter([c])).toBeNull();
	});
});

describe('room edits and the room model', () => {
	const commander: Actor = {
		userId: 'u-commander',
		role: 'commander',
		orgId: 'command-centre',
		township: null
	};
	const field: Actor = {
		userId: 'u-field1',
		role: 'field',
		orgId: 'twp-510812100-squad',
		township: CHAOTIAN
	};

	function room() {
		const doc = new IncidentDoc(new Y.Doc());
		const id = createTask(doc, commander, {
			title: '转移沙洲村群众',
			description: '',
			assigneeOrgId: field.orgId,
			township: CHAOTIAN,
			priority: 'urgent',
			dueAt: null,
			location: [105.88, 32.64]
		});
		return { doc, id };
	}

	it('dispatches a new task to its assignee with the author’s attribution', () => {
		const { doc, id } = room();
		expect(doc.read<Task>('tasks', id)).toMatchObject({
			status: 'dispatched',
			createdBy: commander.userId,
			ownerOrgId: 'command-centre'
		});
	});

	it('notes each status change in the task’s progress thread', () => {
		const { doc, id } = room();
		changeTaskStatus(doc, field, id, 'accepted');
		changeTaskStatus(doc, field, id, 'in_progress');
		const updates = doc.tasks.get(id)!.get('updates') as Y.Array<{ status: string; by: string }>;
		expect(updates.toArray().map((u) => [u.status, u.by])).toEqual([
			['accepted', field.userId],
			['in_progress', field.userId]
		]);
		expect(doc.read<Task>('tasks', id)?.status).toBe('in_progress');
	});

	it('refuses to block or cancel a task without a reason, and keeps the reason when given', () => {
		const { doc, id } = room();
		expect(() => changeTaskStatus(doc, field, id, 'blocked', '  ')).toThrow(ReasonRequiredError);
		expect(doc.read<Task>('tasks', id)?.status).toBe('dispatched');
		changeTaskStatus(doc, field, id, 'blocked', '道路塌方');
		expect(doc.read<Task>('tasks', id)).toMatchObject({ status: 'blocked', statusReason: '道路塌方' });
	});

	it('pins a feed to the video wall once and unpins it', () => {
		const { doc } = room();
		pinToWall(doc, 'feed-1');
		pinToWall(doc, 'feed-1');
		pinToWall(doc, 'feed-2');
		expect(doc.wall.toArray()).toEqual(['feed-1', 'feed-2']);
		unpinFromWall(doc, 'feed-1');
		expect(doc.wall.toArray()).toEqual(['feed-2']);
	});

	it('follows the document live and stops when detached', () => {
		const { doc, id } = room();
		const model = new RoomModel();
		const detach = model.attach(doc.doc);
		expect(model.tasks.map((t) => t.id)).toEqual([id]);
		expect(model.threads[id]).toEqual([]);
		doc.setFigure(CHAOTIAN, 'relocated', 120);
		expect(model.figures[CHAOTIAN]?.relocated).toBe(120);
		changeTaskStatus(doc, field, id, 'accepted');
		expect(model.tasks[0]?.status).toBe('accepted');
		expect(model.threads[id]).toHaveLength(1);
		detach();
		doc.setFigure(CHAOTIAN, 'relocated', 300);
		expect(model.figures[CHAOTIAN]?.relocated).toBe(120);
	});

	it('re-reads only the tasks a change touched, keeping the others as they were', () => {
		const { doc, id } = room();
		const other = createTask(doc, commander, {
			title: '抢通朝天至曾家公路',
			description: '',
			assigneeOrgId: field.orgId,
			township: CHAOTIAN,
			priority: 'normal',
			dueAt: null,
			location: null
		});
		const model = new RoomModel();
		const detach = model.attach(doc.doc);
		const before = new Map(model.tasks.map((t) => [t.id, t]));
		changeTaskStatus(doc, field, id, 'accepted');
		const after = new Map(model.tasks.map((t) => [t.id, t]));
		expect(after.get(other)).toBe(before.get(other));
		expect(after.get(id)).not.toBe(before.get(id));
		expect(after.get(id)?.status).toBe('accepted');
		expect(model.threads[id]).toHaveLength(1);
		doc.doc.transact(() => doc.tasks.delete(other));
		expect(model.tasks.map((t) => t.id)).toEqual([id]);
		detach();
	});
});
