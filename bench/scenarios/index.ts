/**
 * The list of benchmark scenarios, in the order they run. A new scenario is a file in this
 * folder and one line here.
 */
import type { BenchOptions } from '../options.ts';
import { coldLoad } from './cold-load.ts';
import { manyRooms } from './many-rooms.ts';
import { offline } from './offline.ts';
import { oneRoom } from './one-room.ts';
import { render } from './render.ts';
import type { Scenario } from './scenario.ts';
import { validation } from './validation.ts';

export function scenarios(opts: BenchOptions): Scenario[] {
	if (opts.quick) {
		return [
			oneRoom(10, 100, 50),
			oneRoom(40, 100, 50),
			manyRooms(20, 5, 30, 10),
			coldLoad(2_000),
			validation(2_000, 5_000),
			render(500, 100),
			offline(100)
		];
	}
	return [
		oneRoom(50, 500, 50),
		oneRoom(200, 500, 50),
		oneRoom(500, 500, 50),
		manyRooms(200, 5, 100, 10),
		coldLoad(10_000),
		validation(10_000, 20_000),
		render(5_000, 1_000),
		offline(500)
	];
}
