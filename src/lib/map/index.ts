/**
 * The situation map (OpenLayers). One <MapRoot> owns the ol.Map; everything else is a child
 * component that registers its layer or control through context (map-handle.svelte.ts).
 *
 * Layers:   OfflineBasemap (always), OnlineBaseLayer (configured XYZ/Tianditu, GCJ-02 aware),
 *           AnnotationLayer (Y.Doc annotations: show, select, draw, reshape), TaskLayer,
 *           FeedLayer, PositionLayer, PointerLayer (presence).
 * Controls: MapCorner (placement), ZoomControls, ScaleBar, CursorCoordinates, MeasureTool,
 *           LayerSwitcher, Legend, AnnotationToolbar, AnnotationPanel, GeoJsonTransfer.
 * Stored geometry is always WGS84; see src/lib/geo/crs.ts for how GCJ-02 layers are handled.
 */
export { default as MapRoot } from './MapRoot.svelte';
export { default as OfflineBasemap } from './layers/OfflineBasemap.svelte';
export { default as OnlineBaseLayer } from './layers/OnlineBaseLayer.svelte';
export { default as TaskLayer } from './layers/TaskLayer.svelte';
export { default as FeedLayer } from './layers/FeedLayer.svelte';
export { default as PositionLayer } from './layers/PositionLayer.svelte';
export { default as PointerLayer, type PresencePointer } from './layers/PointerLayer.svelte';
export { default as AnnotationLayer } from './annotations/AnnotationLayer.svelte';
export { default as AnnotationToolbar } from './annotations/AnnotationToolbar.svelte';
export { default as AnnotationPanel } from './annotations/AnnotationPanel.svelte';
export { default as Legend } from './annotations/Legend.svelte';
export { default as MapCorner } from './controls/MapCorner.svelte';
export { default as ZoomControls } from './controls/ZoomControls.svelte';
export { default as ScaleBar } from './controls/ScaleBar.svelte';
export { default as CursorCoordinates } from './controls/CursorCoordinates.svelte';
export { default as MeasureTool } from './controls/MeasureTool.svelte';
export { default as LayerSwitcher, type OverlayToggle } from './controls/LayerSwitcher.svelte';
export { overlayShown, situationOverlays } from './controls/overlays.ts';
export { default as GeoJsonTransfer } from './controls/GeoJsonTransfer.svelte';
export { getMap, MapHandle, type LayerName, type MapTool } from './map-handle.svelte.ts';
export type { MapViewState } from './view.ts';
export { sameView } from './view.ts';
export type { AnnotationWithId, MapActor } from './annotations/annotation-edits.ts';
export {
	createAnnotation,
	deleteAnnotation,
	setAnnotationText,
	listAnnotations
} from './annotations/annotation-edits.ts';
export { ANNOTATION_SYMBOLS } from './annotations/annotation-symbols.ts';
export { chaotianBasemap, type BasemapData } from './basemap/chaotian.ts';
