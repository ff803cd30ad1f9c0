// The map is browser-only (OpenLayers needs a DOM); this development page renders on the client.
export const ssr = false;
