/**
 * Action for the end of a windowed list: calls `onVisible` when the element comes within
 * `REVEAL_MARGIN` of the visible part of the page (at once if it already is), so the list shows
 * more rows before the reader reaches its end. Intersection is computed against the viewport
 * clipped by every scrolling ancestor, so it works inside the room's scrolling side panel.
 * The observer reports the state it starts in only once: re-create the element (a `{#key}`
 * block) after each reveal, so a sentinel still in view asks for more again.
 */
export const REVEAL_MARGIN = '600px';

export function reveal(
	node: Element,
	onVisible: () => void
): { update(f: () => void): void; destroy(): void } {
	let callback = onVisible;
	const observer = new IntersectionObserver(
		(entries) => {
			if (entries.some((e) => e.isIntersecting)) callback();
		},
		{ rootMargin: REVEAL_MARGIN }
	);
	observer.observe(node);
	return {
		update(f) {
			callback = f;
		},
		destroy() {
			observer.disconnect();
		}
	};
}
