/**
 * Task views: filtering, overdue detection, status columns and progress by township. Pure, so
 * that the task panel, the leaders' screen and the tests share one definition of each.
 */
import type { Task } from '$lib/domain/incident-doc';
import { isOpenStatus } from '$lib/domain/task-workflow';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskStatus } from '$lib/domain/vocabulary';

export type TaskItem = Omit<Task, 'updates'> & { id: string };

export interface TaskFilter {
	township: string | null;
	assigneeOrgId: string | null;
	status: TaskStatus | null;
}

export const NO_TASK_FILTER: TaskFilter = { township: null, assigneeOrgId: null, status: null };

export function filterTasks(tasks: readonly TaskItem[], f: TaskFilter): TaskItem[] {
	return tasks.filter(
		(t) =>
			(f.township === null || t.township === f.township) &&
			(f.assigneeOrgId === null || t.assigneeOrgId === f.assigneeOrgId) &&
			(f.status === null || t.status === f.status)
	);
}

/** An open task whose due time has passed. Done and cancelled tasks are never overdue. */
export function isOverdue(task: Pick<TaskItem, 'dueAt' | 'status'>, now: number): boolean {
	if (!task.dueAt || !isOpenStatus(task.status)) return false;
	const due = Date.parse(task.dueAt);
	return Number.isFinite(due) && due < now;
}

/** Overdue first, finished (done, cancelled) last; then by priority, due time (none last), creation. */
export function sortTasks(tasks: readonly TaskItem[], now: number): TaskItem[] {
	const rank = (t: TaskItem) => TASK_PRIORITIES.indexOf(t.priority);
	return [...tasks].sort(
		(a, b) =>
			Number(isOverdue(b, now)) - Number(isOverdue(a, now)) ||
			Number(isOpenStatus(b.status)) - Number(isOpenStatus(a.status)) ||
			rank(a) - rank(b) ||
			(a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff') ||
			a.createdAt.localeCompare(b.createdAt) ||
			a.id.localeCompare(b.id)
	);
}

/** Board view: one column per status, in workflow order, every column present. */
export function columnsByStatus(
	tasks: readonly TaskItem[]
): Array<{ status: TaskStatus; tasks: TaskItem[] }> {
	return TASK_STATUSES.map((status) => ({ status, tasks: tasks.filter((t) => t.status === status) }));
}

export type StatusCounts = Record<TaskStatus, number>;

export interface TownshipProgress {
	/** Township code, or null for tasks not tied to a township. */
	township: string | null;
	counts: StatusCounts;
	total: number;
	done: number;
}

function zeroCounts(): StatusCounts {
	return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

/** Task counts per township and status, for the leaders' screen; townships in code order. */
export function progressByTownship(tasks: readonly TaskItem[]): TownshipProgress[] {
	const by = new Map<string | null, TownshipProgress>();
	for (const t of tasks) {
		let p = by.get(t.township);
		if (!p) {
			p = { township: t.township, counts: zeroCounts(), total: 0, done: 0 };
			by.set(t.township, p);
		}
		p.counts[t.status]++;
		p.total++;
		if (t.status === 'done') p.done++;
	}
	return [...by.values()].sort((a, b) => (a.township ?? '\uffff').localeCompare(b.township ?? '\uffff'));
}
