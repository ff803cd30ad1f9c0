/**
 * What the map root shares with its layer and control components through Svelte context:
 * the ol.Map, the display CRS of the active base layer, the pointer position, which tool owns
 * clicks, and the data credits to show. Layers register themselves with `addLayer` on mount
 * and call the returned function on destroy.
 */
import type OlMap from 'ol/Map.js';
import type BaseLayer from 'ol/layer/Base.js';
import type { Extent } from 'ol/extent.js';
import type { Coordinate } from 'ol/coordinate.js';
import { getContext, setContext, untrack } from 'svelte';
import type { LonLat } from '$lib/domain/incident-doc';
import type { DisplayCrs } from '../geo/crs.ts';
import type { MessageKey } from '../i18n/zh-CN.ts';
import { lonLatToView, viewToLonLat } from './geometry.ts';

/** A data credit: a message key (translated) or a literal text from configuration. */
export type Credit = { key: MessageKey } | { text: string };

/** The tools that take over map clicks; selection stays quiet while one is active. */
export type MapTool = 'draw' | 'modify' | 'measure';

/** Names layers carry (`layer.get('sitroom:layer')`) so tests and tools can find them. */
export type LayerName =
	| 'basemap'
	| 'online-base'
	| 'annotations'
	| 'annotation-labels'
	| 'tasks'
	| 'feeds'
	| 'positions'
	| 'tracks'
	| 'teamPositions'
	| 'photos'
	| 'pointers'
	| 'measure'
	| 'area'
	| `register-${string}`;

export class MapHandle {
	crs = $state<DisplayCrs>('wgs84');
	pointer = $state<LonLat | null>(null);
	tool = $state<MapTool | null>(null);
	credits = $state.raw<Credit[]>([]);
	/** Where "show whole district" goes; the basemap sets it to the district's extent. */
	homeExtent = $state<Extent | null>(null);
	/** The id of the active online base layer; null while only the offline basemap shows. */
	onlineBase = $state<string | null>(null);

	constructor(readonly map: OlMap) {}

	addLayer(layer: BaseLayer, name: LayerName): () => void {
		layer.set('sitroom:layer', name);
		this.map.addLayer(layer);
		return () => {
			this.map.removeLayer(layer);
		};
	}

	findLayer(name: LayerName): BaseLayer | undefined {
		return this.map
			.getLayers()
			.getArray()
			.find((l) => l.get('sitroom:layer') === name);
	}

	/** Shows a data credit until the returned function is called. Safe to call inside an effect. */
	addCredit(credit: Credit): () => void {
		// Untracked: an effect that adds a credit must not come to depend on the list it changes.
		untrack(() => (this.credits = [...this.credits, credit]));
		return () =>
			untrack(() => {
				const i = this.credits.findIndex((c) => sameCredit(c, credit));
				if (i >= 0) this.credits = this.credits.toSpliced(i, 1);
			});
	}

	toView(lonLat: LonLat): Coordinate {
		return lonLatToView(lonLat, this.crs);
	}

	fromView(c: Coordinate): LonLat {
		return viewToLonLat(c, this.crs);
	}

	home(duration = 0): void {
		if (this.homeExtent) this.map.getView().fit(this.homeExtent, { padding: [24, 24, 24, 24], duration });
	}
}

function sameCredit(a: Credit, b: Credit): boolean {
	return 'key' in a && 'key' in b ? a.key === b.key : 'text' in a && 'text' in b && a.text === b.text;
}

const KEY = Symbol('sitroom.map');

/** The box is filled when the map is created (on mount); children render only after that. */
export interface MapBox {
	current: MapHandle | null;
}

export function setMapContext(box: MapBox): void {
	setContext(KEY, box);
}

/** The map handle, for a component placed inside <MapRoot>. */
export function getMap(): MapHandle {
	const box = getContext<MapBox | undefined>(KEY);
	if (!box?.current) throw new Error('map components must be placed inside <MapRoot>');
	return box.current;
}
