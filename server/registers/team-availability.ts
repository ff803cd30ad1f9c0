/**
 * Which organisations are out on a task: those assigned an open task in an active incident, read
 * from the incident documents (the truth) as the township overview reads them. A team whose
 * organisation is among them is 出动中 whatever its row says; when its tasks are done it is back to
 * what the row says (待命 or 休整).
 */
import { IncidentDoc, type Task } from '#domain/incident-doc';
import { isOpenStatus } from '#domain/task-workflow';
import { TASK_STATUSES } from '#domain/vocabulary';
import type { IncidentRepository } from '../incidents/incident-repository.ts';
import type { RoomRegistry } from '../rooms/registry.ts';

const MAX_ACTIVE = 500;

export async function deployedOrganisations(deps: {
	incidents: IncidentRepository;
	registry: RoomRegistry;
}): Promise<Set<string>> {
	const out = new Set<string>();
	for (const incident of await deps.incidents.list({ status: 'active', limit: MAX_ACTIVE })) {
		const doc = new IncidentDoc((await deps.registry.open(incident.id)).doc);
		for (const task of doc.list<Task>('tasks'))
			if ((TASK_STATUSES as readonly string[]).includes(task.status) && isOpenStatus(task.status))
				out.add(task.assigneeOrgId);
	}
	return out;
}
