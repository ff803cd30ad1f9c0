/** Helpers for the warnings tests: a valid warning to issue, and times relative to now. */
export const CHAOTIAN = 'twp-510812100';
export const DATAN = 'twp-510812101';
export const YANGMU = 'twp-510812102';

export const inHours = (h: number): string => new Date(Date.now() + h * 3_600_000).toISOString();

export function validWarning(over: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		kind: 'warning',
		title: '嘉陵江朝天段洪水红色预警',
		event: 'flood',
		level: 'red',
		urgency: 'Immediate',
		certainty: 'Likely',
		targets: [CHAOTIAN, DATAN],
		instruction: '立即组织沿河低洼地带群众转移,值班人员到岗到位。',
		expires: inHours(12),
		...over
	};
}
