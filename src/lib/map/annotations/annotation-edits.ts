/**
 * Every change the map makes to annotations in the incident document. One user action is one
 * Yjs transaction, so it travels as one update and the server's guard judges it as a whole.
 * Authorship comes from the acting user; the server checks it against the session.
 */
import * as Y from 'yjs';
import type { Actor } from '$lib/domain/actor';
import type { Annotation, Geometry, IncidentDoc } from '$lib/domain/incident-doc';
import { ANNOTATION_KINDS } from '$lib/domain/vocabulary';
import { parseGeometry, type ImportedAnnotation } from './annotation-geojson.ts';

export type AnnotationWithId = Annotation & { id: string };

/** Who is drawing, as the map needs it. The domain Actor fits. */
export type MapActor = Pick<Actor, 'userId' | 'orgId'>;

/**
 * A new entity id. crypto.randomUUID exists only in secure contexts, and intranet deployments are
 * often plain http on an IP address, so build it from getRandomValues, which exists everywhere.
 */
export function newEntityId(): string {
	const b = new Uint8Array(16);
	globalThis.crypto.getRandomValues(b);
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function authored(actor: MapActor, now: Date): Pick<Annotation, 'createdBy' | 'ownerOrgId' | 'createdAt'> {
	return { createdBy: actor.userId, ownerOrgId: actor.orgId, createdAt: now.toISOString() };
}

export function createAnnotation(
	doc: IncidentDoc,
	actor: MapActor,
	fields: ImportedAnnotation,
	now = new Date()
): string {
	const id = newEntityId();
	doc.addAnnotation(id, { ...fields, ...authored(actor, now), taskIds: [], feedIds: [] });
	return id;
}

/** Adds many annotations (a GeoJSON import) in one transaction; returns their ids. */
export function importAnnotations(
	doc: IncidentDoc,
	actor: MapActor,
	items: readonly ImportedAnnotation[],
	now = new Date()
): string[] {
	const ids: string[] = [];
	doc.doc.transact(() => {
		for (const fields of items) ids.push(createAnnotation(doc, actor, fields, now));
	});
	return ids;
}

export function setAnnotationGeometry(doc: IncidentDoc, id: string, geometry: Geometry): void {
	doc.patch('annotations', id, { geometry });
}

/** Sets several annotations' geometries (one Modify gesture may move shared vertices). */
export function setAnnotationGeometries(doc: IncidentDoc, changes: ReadonlyMap<string, Geometry>): void {
	doc.doc.transact(() => {
		for (const [id, geometry] of changes)
			if (doc.annotations.has(id)) setAnnotationGeometry(doc, id, geometry);
	});
}

export function setAnnotationText(
	doc: IncidentDoc,
	id: string,
	fields: { label?: string; note?: string }
): void {
	const patch: Record<string, string> = {};
	const current = doc.annotations.get(id);
	if (!current) return;
	// Only fields that changed: an unchanged field written again would be a needless update.
	if (fields.label !== undefined && fields.label !== current.get('label')) patch.label = fields.label;
	if (fields.note !== undefined && fields.note !== current.get('note')) patch.note = fields.note;
	if (Object.keys(patch).length) doc.patch('annotations', id, patch);
}

export function deleteAnnotation(doc: IncidentDoc, id: string): void {
	if (doc.annotations.has(id)) doc.remove('annotations', id);
}

/** Reads one annotation's stored JSON; null when it is malformed (never trusted blindly). */
export function readAnnotation(id: string, json: unknown): AnnotationWithId | null {
	if (typeof json !== 'object' || json === null) return null;
	const a = json as Partial<Annotation>;
	if (!a.kind || !ANNOTATION_KINDS.includes(a.kind)) return null;
	const geometry = parseGeometry(a.geometry);
	if ('reason' in geometry) return null;
	return {
		id,
		kind: a.kind,
		label: typeof a.label === 'string' ? a.label : '',
		note: typeof a.note === 'string' ? a.note : '',
		geometry,
		createdBy: typeof a.createdBy === 'string' ? a.createdBy : '',
		ownerOrgId: typeof a.ownerOrgId === 'string' ? a.ownerOrgId : '',
		createdAt: typeof a.createdAt === 'string' ? a.createdAt : '',
		taskIds: Array.isArray(a.taskIds) ? a.taskIds.filter((x) => typeof x === 'string') : [],
		feedIds: Array.isArray(a.feedIds) ? a.feedIds.filter((x) => typeof x === 'string') : []
	};
}

/** Every readable annotation of the document, e.g. for export. */
export function listAnnotations(doc: IncidentDoc): AnnotationWithId[] {
	const out: AnnotationWithId[] = [];
	doc.annotations.forEach((value, id) => {
		const a = readAnnotation(id, value instanceof Y.Map ? value.toJSON() : value);
		if (a) out.push(a);
	});
	return out;
}
