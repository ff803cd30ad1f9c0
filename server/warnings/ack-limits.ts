/**
 * The county's time limits to acknowledge (WARNING_ACK_LIMITS): `level=seconds` pairs,
 * comma-separated, for red, orange, yellow, blue and order; levels not named keep the defaults
 * (red 5 min, orange 10, yellow 20, blue 30, orders 10).
 */
import { DEFAULT_ACK_LIMITS_S, type AckLimitKey } from '#domain/warnings';

export function parseAckLimits(text: string): Readonly<Record<AckLimitKey, number>> {
	const limits = { ...DEFAULT_ACK_LIMITS_S };
	for (const part of text
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean)) {
		const m = /^(red|orange|yellow|blue|order)=(\d+(?:\.\d+)?)$/.exec(part);
		if (!m)
			throw new Error(`"${part}": expected level=seconds with level red, orange, yellow, blue or order`);
		const s = Number(m[2]);
		if (s <= 0 || s > 86_400) throw new Error(`"${part}": between 0 and 86400 seconds`);
		limits[m[1] as AckLimitKey] = s;
	}
	return limits;
}
