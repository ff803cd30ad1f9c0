/**
 * The alert's sound: three short tones made with Web Audio (no file to load). Browsers may hold
 * audio until the person has interacted with the page; `playAlert` reports whether it played,
 * and the banner keeps trying on the next warning or click.
 */
let ctx: AudioContext | null = null;

export async function playAlert(level: string | null): Promise<boolean> {
	if (typeof AudioContext === 'undefined') return false;
	ctx ??= new AudioContext();
	if (ctx.state !== 'running') {
		try {
			await ctx.resume();
		} catch {
			return false;
		}
	}
	if (ctx.state !== 'running') return false;
	const pitch = level === 'red' ? 1046 : level === 'orange' ? 880 : 740;
	const t0 = ctx.currentTime;
	for (let i = 0; i < 3; i++) {
		const osc = ctx.createOscillator();
		const gain = ctx.createGain();
		osc.frequency.value = pitch;
		gain.gain.setValueAtTime(0.0001, t0 + i * 0.35);
		gain.gain.exponentialRampToValueAtTime(0.4, t0 + i * 0.35 + 0.02);
		gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.35 + 0.25);
		osc.connect(gain).connect(ctx.destination);
		osc.start(t0 + i * 0.35);
		osc.stop(t0 + i * 0.35 + 0.3);
	}
	return true;
}
