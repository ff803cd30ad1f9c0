/** Scenario (1): N clients in one room, one writer making small map writes at a steady rate. */
import { fanOutMetrics, measureFanOut } from './fan-out.ts';
import type { Scenario } from './scenario.ts';

export function oneRoom(clients: number, writes: number, perSecond: number): Scenario {
	return {
		id: `one-room-${clients}`,
		title: `One room, N = ${clients}`,
		detail: `1 writer making ${writes} small map writes at ${perSecond}/s, ${clients - 1} receivers`,
		clientProcesses: 2,
		metrics: fanOutMetrics,
		run: (ctx) =>
			measureFanOut(
				{
					rooms: 1,
					clientsPerRoom: clients,
					writesPerWriter: writes,
					writesPerSecond: perSecond,
					roomPrefix: 'bench-one'
				},
				ctx
			)
	};
}
