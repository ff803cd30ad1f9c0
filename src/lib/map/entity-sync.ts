/**
 * Keeps an OpenLayers vector source in step with one collection of the incident document
 * (a root Y.Map keyed by entity id: annotations, tasks, feeds, positions).
 *
 * It observes the Y.Map deeply and touches only the features whose entity changed: a new
 * annotation adds one feature, a label edit updates one feature's properties, a deletion removes
 * one. With 5,000 annotations a remote edit therefore costs one feature update, not a rebuild.
 * Features use the entity id as their id and carry the entity's plain JSON as `entity`.
 */
import Feature from 'ol/Feature.js';
import type { Geometry as OlGeometry } from 'ol/geom.js';
import type VectorSource from 'ol/source/Vector.js';
import * as Y from 'yjs';
import type { DisplayCrs } from '../geo/crs.ts';

export interface EntityAdapter<T> {
	/** The entity from its stored JSON, or null when it is malformed or has no place on the map. */
	read(id: string, json: unknown): T | null;
	geometry(entity: T, crs: DisplayCrs): OlGeometry | null;
	/** Extra feature properties the layer's style reads (kind, label, status …). */
	properties?(entity: T): Record<string, unknown>;
}

export class EntityFeatureSync<T, V = unknown> {
	#crs: DisplayCrs;
	readonly #observer = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => this.#onEvents(events);

	constructor(
		readonly collection: Y.Map<V>,
		readonly source: VectorSource<Feature<OlGeometry>>,
		readonly adapter: EntityAdapter<T>,
		crs: DisplayCrs
	) {
		this.#crs = crs;
		const features: Feature<OlGeometry>[] = [];
		collection.forEach((value, id) => {
			const f = this.#build(id, value);
			if (f) features.push(f);
		});
		// One bulk add: a single change event and one spatial-index load instead of one per feature.
		source.addFeatures(features);
		collection.observeDeep(this.#observer);
	}

	/** Re-projects every feature, after the base layer's CRS changed (rare, so a full pass is fine). */
	setCrs(crs: DisplayCrs): void {
		if (crs === this.#crs) return;
		this.#crs = crs;
		for (const f of this.source.getFeatures()) {
			const g = this.adapter.geometry(f.get('entity') as T, crs);
			if (g) f.setGeometry(g);
		}
	}

	destroy(): void {
		this.collection.unobserveDeep(this.#observer);
	}

	#onEvents(events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void {
		const ids = new Set<string>();
		for (const e of events) {
			if (e.target === this.collection) {
				for (const key of (e as Y.YMapEvent<V>).keysChanged) if (key) ids.add(key);
			} else {
				const first = e.path[0];
				if (typeof first === 'string') ids.add(first);
			}
		}
		const added: Feature<OlGeometry>[] = [];
		for (const id of ids) {
			const existing = this.source.getFeatureById(id) as Feature<OlGeometry> | null;
			const value = this.collection.get(id);
			const entity = value === undefined ? null : this.adapter.read(id, toJson(value));
			const geometry = entity ? this.adapter.geometry(entity, this.#crs) : null;
			if (!entity || !geometry) {
				if (existing) this.source.removeFeature(existing);
				continue;
			}
			if (existing) {
				existing.setProperties({ ...this.adapter.properties?.(entity), entity }, true);
				existing.setGeometry(geometry);
			} else {
				added.push(this.#feature(id, entity, geometry));
			}
		}
		if (added.length) this.source.addFeatures(added);
	}

	#build(id: string, value: unknown): Feature<OlGeometry> | null {
		const entity = this.adapter.read(id, toJson(value));
		const geometry = entity ? this.adapter.geometry(entity, this.#crs) : null;
		return entity && geometry ? this.#feature(id, entity, geometry) : null;
	}

	#feature(id: string, entity: T, geometry: OlGeometry): Feature<OlGeometry> {
		// Properties set silently: nothing listens to a feature not yet in a source, and a change
		// event per property costs measurably over thousands of features.
		const f = new Feature<OlGeometry>(geometry);
		f.setProperties({ ...this.adapter.properties?.(entity), entity }, true);
		f.setId(id);
		return f;
	}
}

function toJson(value: unknown): unknown {
	return value instanceof Y.AbstractType ? value.toJSON() : value;
}
