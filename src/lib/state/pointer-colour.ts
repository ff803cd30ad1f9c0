/** A stable, distinct colour per participant for map pointers and presence chips. */
const PALETTE = [
	'#d81b60',
	'#1e88e5',
	'#43a047',
	'#fb8c00',
	'#8e24aa',
	'#00897b',
	'#6d4c41',
	'#3949ab',
	'#c0ca33',
	'#e53935'
];

export function pointerColour(clientId: number): string {
	return PALETTE[Math.abs(clientId) % PALETTE.length]!;
}
