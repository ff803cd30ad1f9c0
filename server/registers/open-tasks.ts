/**
 * The open tasks of the active incidents, read from the incident documents (the truth) as the
 * township overview reads them. From them come a team's availability and what counts against a
 * register row: a team whose organisation is assigned an open task is 出动中 whatever its row says,
 * and a commitment (调派) holds its team or equipment while its task is open; when the task is done
 * or cancelled, or its incident closed, both are free again without anyone typing it twice.
 */
import { IncidentDoc, type LonLat, type Task } from '#domain/incident-doc';
import { isOpenStatus } from '#domain/task-workflow';
import { TASK_STATUSES, type TaskStatus } from '#domain/vocabulary';
import type { IncidentRepository } from '../incidents/incident-repository.ts';
import type { RoomRegistry } from '../rooms/registry.ts';

const MAX_ACTIVE = 500;

export interface OpenTask {
	incidentId: string;
	incidentName: string;
	taskId: string;
	title: string;
	assigneeOrgId: string;
	status: TaskStatus;
	location: LonLat | null;
}

/** Incident id → task id → the open task. */
export type OpenTaskIndex = ReadonlyMap<string, ReadonlyMap<string, OpenTask>>;

export const isTaskOpen = (index: OpenTaskIndex, incidentId: string, taskId: string): boolean =>
	index.get(incidentId)?.has(taskId) ?? false;

/** Organisations assigned an open task somewhere. */
export function deployedOrganisations(index: OpenTaskIndex): Set<string> {
	const out = new Set<string>();
	for (const tasks of index.values()) for (const t of tasks.values()) out.add(t.assigneeOrgId);
	return out;
}

export async function openTasks(deps: {
	incidents: IncidentRepository;
	registry: RoomRegistry;
}): Promise<OpenTaskIndex> {
	const out = new Map<string, Map<string, OpenTask>>();
	for (const incident of await deps.incidents.list({ status: 'active', limit: MAX_ACTIVE })) {
		const doc = new IncidentDoc((await deps.registry.open(incident.id)).doc);
		const tasks = new Map<string, OpenTask>();
		for (const task of doc.list<Task>('tasks'))
			if ((TASK_STATUSES as readonly string[]).includes(task.status) && isOpenStatus(task.status))
				tasks.set(task.id, {
					incidentId: incident.id,
					incidentName: incident.name,
					taskId: task.id,
					title: task.title,
					assigneeOrgId: task.assigneeOrgId,
					status: task.status,
					location: task.location ?? null
				});
		out.set(incident.id, tasks);
	}
	return out;
}
