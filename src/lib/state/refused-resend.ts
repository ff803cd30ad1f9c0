/**
 * The ways to send a refused change again that this person may use in a room: as a progress note
 * on its task, or as an incident log entry. Each is null when the policy says no, so the panel
 * offers only what would be accepted (the server judges again when it arrives).
 */
import type { Actor, OrgDirectory } from '$lib/domain/actor';
import type { IncidentDoc } from '$lib/domain/incident-doc';
import { can } from '$lib/domain/policy';
import type { RefusedChange } from '$lib/domain/protocol';
import type { TaskItem } from './tasks.ts';
import { addLogEntry, addProgress } from './room-actions';

export interface ResendRoom {
	readonly actor: Actor;
	readonly orgs: OrgDirectory;
	readonly writable: boolean;
	readonly doc: IncidentDoc;
	readonly tasks: readonly TaskItem[];
}

export interface ResendActions {
	asLog: ((text: string) => void) | null;
	asNote: (change: RefusedChange, text: string) => boolean;
}

export function resendActions(room: ResendRoom): ResendActions {
	const { actor, orgs } = room;
	const mayLog =
		room.writable &&
		can(
			actor,
			'create',
			{ collection: 'log', entity: { createdBy: actor.userId, ownerOrgId: actor.orgId, createdAt: '' } },
			orgs
		);
	return {
		asLog: mayLog ? (text) => void addLogEntry(room.doc, actor, 'follow_up', text) : null,
		asNote: (change, text) => {
			const task = room.tasks.find((t) => t.id === change.entityId);
			if (!task || !room.writable) return false;
			const entry = { by: actor.userId, orgId: actor.orgId };
			if (!can(actor, 'create', { collection: 'taskUpdates', task, entry }, orgs)) return false;
			addProgress(room.doc, actor, task.id, text);
			return true;
		}
	};
}
