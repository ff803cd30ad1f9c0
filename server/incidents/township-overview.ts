/**
 * What a township still has to do across the active incidents: for each incident touching it,
 * the figures of its board row nobody reported yet; and the open tasks of its teams (every
 * organisation in the township) in any active incident. Read from the incident documents, the
 * truth, which are loaded for it (and unloaded again once idle, as any room).
 */
import type { OrgDirectory } from '#domain/actor';
import type { TownshipOverview } from '#domain/api/townships';
import { IncidentDoc, type Task } from '#domain/incident-doc';
import { isOpenStatus } from '#domain/task-workflow';
import { FIGURE_KEYS, TASK_PRIORITIES, TASK_STATUSES } from '#domain/vocabulary';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { IncidentRepository } from './incident-repository.ts';

/** A county has a handful of active incidents; this many is far beyond any. */
const MAX_ACTIVE = 500;

export async function townshipOverview(
	deps: { index: IncidentRepository; registry: RoomRegistry; orgs: OrgDirectory },
	township: string
): Promise<TownshipOverview> {
	const overview: TownshipOverview = { township, incidents: [], openTasks: [] };
	const active = await deps.index.list({ status: 'active', limit: MAX_ACTIVE });
	for (const incident of active) {
		const doc = new IncidentDoc((await deps.registry.open(incident.id)).doc);
		if (incident.townships.includes(township)) {
			const row = doc.readFigures()[township] ?? {};
			overview.incidents.push({
				incident,
				missingFigures: FIGURE_KEYS.filter((k) => typeof row[k] !== 'number')
			});
		}
		for (const task of doc.list<Task>('tasks')) {
			if (!(TASK_STATUSES as readonly string[]).includes(task.status) || !isOpenStatus(task.status)) continue;
			if (deps.orgs.get(task.assigneeOrgId)?.township !== township) continue;
			overview.openTasks.push({
				incidentId: incident.id,
				incidentName: incident.name,
				taskId: task.id,
				title: task.title,
				status: task.status,
				priority: (TASK_PRIORITIES as readonly string[]).includes(task.priority) ? task.priority : 'normal',
				assigneeOrgId: task.assigneeOrgId,
				dueAt: task.dueAt ?? null
			});
		}
	}
	const rank = (p: string) => TASK_PRIORITIES.indexOf(p as (typeof TASK_PRIORITIES)[number]);
	overview.openTasks.sort(
		(a, b) => rank(a.priority) - rank(b.priority) || (a.dueAt ?? '~').localeCompare(b.dueAt ?? '~')
	);
	return overview;
}
