/**
 * Which tasks the field view lists first: the ones the person works on (their team's, as the
 * policy's "assigned" relation says), open before finished, then by the task views' order. A
 * commander on a phone has no team's tasks: they see every open task.
 */
import type { Actor, OrgDirectory } from '$lib/domain/actor';
import { holds } from '$lib/domain/policy/relations';
import { isOpenStatus } from '$lib/domain/task-workflow';
import type { TaskStatus } from '$lib/domain/vocabulary';
import { sortTasks, type TaskItem } from '$lib/state/tasks';

export function myTasks(
	actor: Actor,
	tasks: readonly TaskItem[],
	orgs: OrgDirectory,
	now: number
): TaskItem[] {
	const mine =
		actor.role === 'commander'
			? tasks.filter((t) => isOpenStatus(t.status))
			: tasks.filter((t) => holds('assigned', actor, t, orgs));
	return sortTasks(mine, now);
}

/**
 * The one-tap actions of the field view, in the order of the work: 接收, 执行中 (出发), 完成,
 * then 受阻. Cancelling a task is the desk's decision; the field view does not offer it.
 */
const FIELD_ORDER: readonly TaskStatus[] = ['accepted', 'in_progress', 'done', 'blocked'];

export function fieldActions(allowed: readonly TaskStatus[]): TaskStatus[] {
	return FIELD_ORDER.filter((s) => allowed.includes(s));
}
