import { measurePipeline } from '/work/main/bench/scenarios/validation.ts';
const res: Record<string, number[]> = { on: [], off: [] };
await measurePipeline(1000, 2000, true); await measurePipeline(1000, 2000, false);
for (let i = 0; i < 3; i++) {
	for (const v of [true, false]) res[v ? 'on' : 'off'].push((await measurePipeline(10000, 20000, v)).updatesPerSec);
}
console.log(JSON.stringify(res));
