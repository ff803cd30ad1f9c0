/** How annotations of the document become features of the annotation layer. */
import type { EntityAdapter } from '../entity-sync.ts';
import { toOlGeometry } from '../geometry.ts';
import { readAnnotation, type AnnotationWithId } from './annotation-edits.ts';

export const annotationAdapter: EntityAdapter<AnnotationWithId> = {
	read: readAnnotation,
	geometry: (a, crs) => toOlGeometry(a.geometry, crs),
	properties: (a) => ({ kind: a.kind, label: a.label })
};
