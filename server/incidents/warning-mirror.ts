/**
 * Warnings mirrored into the incident they belong to (the warnings live in their own tables, see
 * server/warnings/): the room's read-only `warnings` collection keeps each one's title, level,
 * status and acknowledgement count current, and every step (issue, update, cancel, each
 * acknowledgement, escalation, call record) is written as a log entry (值班记录) of the room, so
 * the room sees them as they happen. Server-made changes through the room's durable pipeline,
 * attributed to the person who acted (or to the server itself, for an escalation).
 */
import * as Y from 'yjs';
import { IncidentDoc, type Warning } from '#domain/incident-doc';
import { ROOTS } from '#domain/schema';
import type { ActingFor } from '../rooms/origin.ts';
import type { RoomRegistry } from '../rooms/registry.ts';

/** The id log entries of the server itself carry as their author (an escalation). */
export const SERVER_AUTHOR = 'sitroom-server';

export interface WarningMirrorNote {
	incidentId: string;
	warningId: string;
	/** The warning as the room shows it now. */
	warning: Warning;
	/** The step, as one log entry: its text, who acted (null: the server) and the server's time. */
	entry: { id: string; text: string; by: ActingFor | null; ownerOrgId: string; at: string };
}

export class IncidentWarningMirror {
	constructor(
		private readonly deps: {
			registry: RoomRegistry;
			incidentExists(id: string): Promise<boolean>;
		}
	) {}

	/** Writes the note into the incident's room; resolves once it is stored. */
	async write(note: WarningMirrorNote): Promise<void> {
		if (!(await this.deps.incidentExists(note.incidentId))) return;
		const room = await this.deps.registry.open(note.incidentId);
		await room.change((doc) => {
			const incident = new IncidentDoc(doc);
			const warnings = doc.getMap<Y.Map<unknown>>(ROOTS.warnings);
			const current = warnings.get(note.warningId);
			if (current instanceof Y.Map) {
				// In place, field by field: replacing the entity would count as deleting it.
				for (const [k, v] of Object.entries(note.warning)) if (current.get(k) !== v) current.set(k, v);
			} else incident.addEntity('warnings', note.warningId, note.warning);
			incident.addLogEntry(note.entry.id, {
				kind: 'notice',
				text: note.entry.text,
				createdBy: note.entry.by?.userId ?? SERVER_AUTHOR,
				ownerOrgId: note.entry.ownerOrgId,
				createdAt: note.entry.at
			});
		}, note.entry.by ?? undefined);
	}
}
