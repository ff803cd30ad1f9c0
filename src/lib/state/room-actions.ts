/**
 * The edits people make in a room, as single Yjs transactions on the incident document. Each
 * stamps the author's user and organisation (the server checks them against the session and
 * refuses a forgery); the time is the client's, for display, the server keeps the real one.
 */
import {
	IncidentDoc,
	type FieldReport,
	type IncidentMeta,
	type LonLat,
	type Task
} from '$lib/domain/incident-doc';
import type { Actor } from '$lib/domain/actor';
import { transitionNeedsReason } from '$lib/domain/task-workflow';
import type {
	FeedKind,
	FigureKey,
	IncidentStatus,
	LogKind,
	ReportKind,
	ResponseLevel,
	TaskStatus
} from '$lib/domain/vocabulary';

export function newId(prefix: string): string {
	return `${prefix}-${crypto.randomUUID()}`;
}

const now = () => new Date().toISOString();

function authored(actor: Actor) {
	return { createdBy: actor.userId, ownerOrgId: actor.orgId, createdAt: now() };
}

/** What the task form gives: the task's own fields, without its status and authorship. */
export type TaskDraft = Pick<
	Task,
	'title' | 'description' | 'assigneeOrgId' | 'township' | 'priority' | 'dueAt' | 'location'
>;

/** A task is dispatched to its assignee when it is created: the team sees it at once. */
export function createTask(doc: IncidentDoc, actor: Actor, draft: TaskDraft): string {
	const id = newId('task');
	const task: Task = { ...draft, ...authored(actor), status: 'dispatched', statusReason: '' };
	doc.addTask(id, task);
	return id;
}

export class ReasonRequiredError extends Error {
	override readonly name = 'ReasonRequiredError';
}

/** Moves a task to `to`, noting it in the task's progress thread (with the reason, if any). */
export function changeTaskStatus(
	doc: IncidentDoc,
	actor: Actor,
	taskId: string,
	to: TaskStatus,
	reason = ''
): void {
	const text = reason.trim();
	if (transitionNeedsReason(to) && !text)
		throw new ReasonRequiredError(`moving a task to ${to} needs a reason`);
	const current = doc.read<Task>('tasks', taskId);
	doc.doc.transact(() => {
		const fields: Partial<Task> = { status: to };
		// Only touch the reason when it changes: a field member may not be allowed other fields.
		if (text || current?.statusReason) fields.statusReason = text;
		doc.patch('tasks', taskId, fields);
		doc.addTaskUpdate(taskId, {
			id: newId('u'),
			by: actor.userId,
			orgId: actor.orgId,
			at: now(),
			text,
			status: to
		});
	});
}

export function addProgress(
	doc: IncidentDoc,
	actor: Actor,
	taskId: string,
	text: string,
	position?: LonLat,
	photo?: string
): void {
	doc.addTaskUpdate(taskId, {
		id: newId('u'),
		by: actor.userId,
		orgId: actor.orgId,
		at: now(),
		text: text.trim(),
		...(position ? { position } : {}),
		...(photo ? { photo } : {})
	});
}

/** What the quick report form gives (现场报告): the kind, a note, where, a photo's attachment id. */
export type ReportDraft = Pick<FieldReport, 'kind' | 'note' | 'position' | 'photo'>;

export function addFieldReport(
	doc: IncidentDoc,
	actor: Actor,
	draft: ReportDraft,
	id = newId('report')
): string {
	const report: FieldReport = { ...draft, note: draft.note?.trim() ?? '', ...authored(actor) };
	doc.addEntity('reports', id, report);
	return id;
}

export type { ReportKind };

export function addLogEntry(doc: IncidentDoc, actor: Actor, kind: LogKind, text: string): string {
	const id = newId('log');
	doc.addLogEntry(id, { kind, text: text.trim(), ...authored(actor) });
	return id;
}

export function setFigure(doc: IncidentDoc, township: string, key: FigureKey, value: number): void {
	doc.setFigure(township, key, value);
}

export interface FeedDraft {
	name: string;
	kind: FeedKind;
	url: string;
	position: LonLat | null;
	ownerOrgId: string;
}

export function registerFeed(doc: IncidentDoc, actor: Actor, draft: FeedDraft): string {
	const id = newId('feed');
	doc.addFeed(id, {
		name: draft.name,
		kind: draft.kind,
		url: draft.url,
		position: draft.position,
		...authored(actor),
		ownerOrgId: draft.ownerOrgId
	});
	return id;
}

export function pinToWall(doc: IncidentDoc, feedId: string): void {
	if (!doc.wall.toArray().includes(feedId)) doc.wall.push([feedId]);
}

export function unpinFromWall(doc: IncidentDoc, feedId: string): void {
	const i = doc.wall.toArray().indexOf(feedId);
	if (i >= 0) doc.wall.delete(i, 1);
}

export function setResponseLevel(doc: IncidentDoc, level: ResponseLevel): void {
	doc.setMeta({ level });
}

export function setIncidentStatus(doc: IncidentDoc, status: IncidentStatus): void {
	doc.setMeta({ status });
}

/** What the incident form changes after opening: how it is named and classified, where it is. */
export type IncidentDetails = Pick<IncidentMeta, 'name' | 'type' | 'severity' | 'townships'>;

/** Why these details would be refused (the guard's rules), or null: a message key's last part. */
export function whyNotIncidentDetails(d: IncidentDetails): 'nameRequired' | 'townshipsRequired' | null {
	if (d.name.trim() === '') return 'nameRequired';
	if (d.townships.length === 0) return 'townshipsRequired';
	return null;
}

/**
 * Writes the fields that differ, in one transaction: one change, attributed to its author by the
 * server like any other. Fields left as they were are not written (nor recorded as changed).
 */
export function editIncident(doc: IncidentDoc, before: Partial<IncidentMeta>, d: IncidentDetails): void {
	const patch: Partial<IncidentMeta> = {};
	if (d.name.trim() !== before.name) patch.name = d.name.trim();
	if (d.type !== before.type) patch.type = d.type;
	if (d.severity !== before.severity) patch.severity = d.severity;
	if (JSON.stringify(d.townships) !== JSON.stringify(before.townships))
		patch.townships = [...new Set(d.townships)];
	if (Object.keys(patch).length > 0) doc.setMeta(patch);
}
