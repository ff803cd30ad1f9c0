import { describe, expect, it } from 'vitest';
import { roomOfPath } from './room-on-start';

describe('roomOfPath', () => {
	it('names the incident of the room page and of the field view, nothing under them', () => {
		expect(roomOfPath('/incidents/inc-demo-jialing')).toBe('inc-demo-jialing');
		expect(roomOfPath('/field/inc-demo-jialing/')).toBe('inc-demo-jialing');
		expect(roomOfPath('/incidents/%E6%B4%AA%E6%B0%B4')).toBe('洪水');
		expect(roomOfPath('/incidents/inc-demo-jialing/audit')).toBeNull();
		expect(roomOfPath('/field')).toBeNull();
		expect(roomOfPath('/screen/inc-demo-jialing')).toBeNull();
		expect(roomOfPath('/incidents/%E0%A4%A')).toBeNull();
	});
});
