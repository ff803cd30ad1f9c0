/**
 * Annotation-like entries for the cold-load scenario, written through the project's own
 * document schema (one Y.Map per annotation with kind, label, geometry …), so the document has
 * the shape and size a real incident with a large import would have.
 */
import * as Y from 'yjs';
import { IncidentDoc, type Annotation, type Geometry, type LonLat } from '#domain/incident-doc';
import { ANNOTATION_KINDS } from '#domain/vocabulary';

// Chaotian District lies around 105.9°E, 32.6°N.
const ORIGIN: LonLat = [105.89, 32.64];

function around(i: number, j: number): LonLat {
	const a = (i * 7919 + j * 104729) % 10_000;
	return [
		Number((ORIGIN[0] + ((a % 100) - 50) * 0.004).toFixed(6)),
		Number((ORIGIN[1] + (Math.floor(a / 100) - 50) * 0.003).toFixed(6))
	];
}

function geometry(i: number): Geometry {
	switch (i % 3) {
		case 0:
			return { type: 'Point', coordinates: around(i, 0) };
		case 1:
			return { type: 'LineString', coordinates: [around(i, 0), around(i, 1), around(i, 2)] };
		default:
			return { type: 'Polygon', coordinates: [[around(i, 0), around(i, 1), around(i, 2), around(i, 0)]] };
	}
}

export function annotation(i: number): Annotation {
	return {
		kind: ANNOTATION_KINDS[i % ANNOTATION_KINDS.length]!,
		label: `隐患点 ${i} 号 / hazard point ${i}`,
		note: i % 4 === 0 ? '沿河道路有落石，注意绕行' : '',
		geometry: geometry(i),
		taskIds: i % 5 === 0 ? [`task-${i % 97}`] : [],
		feedIds: [],
		createdBy: `user-${i % 40}`,
		ownerOrgId: `org-${i % 12}`,
		createdAt: new Date(Date.UTC(2025, 6, 1, 8, 0, 0) + i * 1000).toISOString()
	};
}

/** Adds `count` annotations to `doc` in one transaction (one update, like a bulk import). */
export function addAnnotations(doc: Y.Doc, count: number): void {
	const incident = new IncidentDoc(doc);
	doc.transact(() => {
		for (let i = 0; i < count; i++) incident.addAnnotation(`a${i}`, annotation(i));
	});
}

export function annotationCount(doc: Y.Doc): number {
	return new IncidentDoc(doc).annotations.size;
}
