/** decodeAwareness measures a state's size in UTF-8 bytes, the unit of the awareness limit. */
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { decodeAwareness } from '../../server/rooms/frames.ts';

function awarenessUpdate(state: unknown): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, 42);
	encoding.writeVarUint(e, 1);
	encoding.writeVarString(e, JSON.stringify(state));
	return encoding.toUint8Array(e);
}

describe('awareness state size', () => {
	it('counts a Chinese name in UTF-8 bytes, not UTF-16 units', () => {
		const json = JSON.stringify({ name: '朝天区应急管理局' });
		const [entry] = decodeAwareness(awarenessUpdate(JSON.parse(json)));
		expect(entry!.bytes).toBe(Buffer.byteLength(json, 'utf8'));
		expect(entry!.bytes).toBeGreaterThan(json.length);
	});
});
