/**
 * The situation map's overlay layers, as the layer switcher toggles them: one list, so the room
 * and the development map page offer the same layers under the same ids.
 */
import type { OverlayToggle } from './LayerSwitcher.svelte';

/** Every overlay of the situation map, all shown. A new list each call (pages keep it as state). */
export function situationOverlays(): OverlayToggle[] {
	return [
		{ id: 'annotations', label: 'map.overlay.annotations', visible: true },
		{ id: 'tasks', label: 'map.overlay.tasks', visible: true },
		{ id: 'feeds', label: 'map.overlay.feeds', visible: true },
		{ id: 'positions', label: 'map.overlay.positions', visible: true },
		{ id: 'pointers', label: 'map.overlay.pointers', visible: true }
	];
}

/** Whether the overlay `id` is shown (an overlay the list lacks is). */
export function overlayShown(overlays: readonly OverlayToggle[], id: string): boolean {
	return overlays.find((o) => o.id === id)?.visible ?? true;
}
