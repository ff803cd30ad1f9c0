/** Percentiles and medians, the only statistics the benchmark reports. */

/** Nearest-rank percentile of an ascending-sorted array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median of the finite values; NaN when there are none. */
export function median(values: readonly number[]): number {
	const v = values.filter(Number.isFinite).sort((a, b) => a - b);
	if (v.length === 0) return NaN;
	const mid = Math.floor(v.length / 2);
	return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Concatenates latency arrays from several processes and sorts them ascending. */
export function mergeSorted(parts: readonly Float64Array[]): Float64Array {
	const total = parts.reduce((n, p) => n + p.length, 0);
	const all = new Float64Array(total);
	let at = 0;
	for (const p of parts) {
		all.set(p, at);
		at += p.length;
	}
	return all.sort();
}
