import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsShift, toKeyEvents } from '../../../src/core/bootcommand/key-events.js';
import { parseBootCommand } from '../../../src/core/bootcommand/parser.js';
import { planBootCommand } from '../../../src/core/bootcommand/plan.js';
import { SPECIAL_KEYS } from '../../../src/core/bootcommand/special-keys.js';
import type { KeyEvent } from '../../../src/core/bootcommand/types.js';

const events = (command: string | string[]): KeyEvent[] => toKeyEvents(parseBootCommand(command));
const down = (key: number): KeyEvent => ({ key, down: true });
const up = (key: number): KeyEvent => ({ key, down: false });
const press = (key: number): KeyEvent[] => [down(key), up(key)];
const SHIFT = 0xffe1;
const shifted = (key: number): KeyEvent[] => [down(SHIFT), down(key), up(key), up(SHIFT)];

describe('packer-plugin-sdk VNC driver tests', () => {
  it('Test_vncSpecialLookup', () => {
    expect(events('<rightShift><rightshiftoff><RIGHTSHIFTON><menu>')).toEqual([down(0xffe2), up(0xffe2), up(0xffe2), down(0xffe2), down(0xff67), up(0xff67)]);
  });

  it('Test_vncCommandOptionKeys', () => {
    expect(events('<leftCommand><RIGHTCOMMAND><leftoption><rightOption>')).toEqual([...press(0xffe9), ...press(0xffea), ...press(0xffe7), ...press(0xffe8)]);
  });

  it('Test_vncShiftSequence', () => {
    expect(events('AbC')).toEqual([...shifted(0x41), ...press(0x62), ...shifted(0x43)]);
  });

  it('Test_vncShiftSingle', () => {
    expect(events('<Aon><Aoff>')).toEqual([down(SHIFT), down(0x41), up(0x41), up(SHIFT)]);
  });
});

// Packer's VNC key map (vnc_driver.go), written out independently of special-keys.ts.
const EXPECTED_KEYSYMS: [string, number][] = [
  ['bs', 0xff08],
  ['del', 0xffff],
  ['enter', 0xff0d],
  ['return', 0xff0d],
  ['esc', 0xff1b],
  ['tab', 0xff09],
  ['spacebar', 0x20],
  ['insert', 0xff63],
  ['home', 0xff50],
  ['end', 0xff57],
  ['pageUp', 0xff55],
  ['pageDown', 0xff56],
  ['up', 0xff52],
  ['down', 0xff54],
  ['left', 0xff51],
  ['right', 0xff53],
  ...Array.from({ length: 12 }, (_, i): [string, number] => [`f${i + 1}`, 0xffbe + i]),
  ['leftAlt', 0xffe9],
  ['rightAlt', 0xffea],
  ['leftCtrl', 0xffe3],
  ['rightCtrl', 0xffe4],
  ['leftShift', 0xffe1],
  ['rightShift', 0xffe2],
  ['leftSuper', 0xffeb],
  ['rightSuper', 0xffec],
  ['leftCommand', 0xffe9],
  ['rightCommand', 0xffea],
  ['leftOption', 0xffe7],
  ['rightOption', 0xffe8],
  ['menu', 0xff67],
];

describe('key events', () => {
  it('the acceptance stream: AbC<leftCtrlOn>c<leftCtrlOff><wait1m30s>', () => {
    expect(events('AbC<leftCtrlOn>c<leftCtrlOff><wait1m30s>')).toEqual([...shifted(0x41), ...press(0x62), ...shifted(0x43), down(0xffe3), ...press(0x63), up(0xffe3), { wait: 90_000 }]);
  });

  it.each(EXPECTED_KEYSYMS)('<%s> is keysym %i, pressed, held and released without Shift', (name, keysym) => {
    expect(events(`<${name}><${name}On><${name}Off>`)).toEqual([down(keysym), up(keysym), down(keysym), up(keysym)]);
  });

  it('the expectations cover every key of the table', () => {
    expect(EXPECTED_KEYSYMS.map(([name]) => name).sort()).toEqual(SPECIAL_KEYS.map((k) => k.name).sort());
  });

  it('shifts upper-case letters (any script) and US-layout shifted symbols, sending the shifted keysym', () => {
    for (const c of '~!@#$%^&*()_+{}|:"<>?ABZÉÀΣЖ') expect(needsShift(c), c).toBe(true);
    for (const c of "`1234567890-=[]\\;',./ abzéßσж界\n\t😀") expect(needsShift(c), c).toBe(false);
    expect(events('é<')).toEqual([...press(0xe9), ...shifted(0x3c)]);
    expect(events('É')).toEqual(shifted(0xc9));
  });

  it('sends a code point as it is, even where that is not the X11 keysym for it (as Packer does)', () => {
    expect(events('界\n\t😀')).toEqual([...press(0x754c), ...press(0x0a), ...press(0x09), ...press(0x1f600)]);
  });

  it('char toggles: On presses Shift then the key, Off releases the key then Shift', () => {
    expect(events('<!on><!off><aon><aoff>')).toEqual([down(SHIFT), down(0x21), up(0x21), up(SHIFT), down(0x61), up(0x61)]);
  });

  it('waits are milliseconds, fractional below one', () => {
    expect(events('<wait><wait0><wait5><wait1.5s><wait300ms><wait100µs><wait4m2ns><wait2ns>')).toEqual([
      { wait: 1000 },
      { wait: 1000 },
      { wait: 5000 },
      { wait: 1500 },
      { wait: 300 },
      { wait: 0.1 },
      { wait: 240000.000002 },
      { wait: 0.000002 },
    ]);
  });

  it('every key event stream is balanced: each press has a release, Shift wraps only characters', () => {
    const noToggles = fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/on>|off>/gi, '>'));
    fc.assert(
      fc.property(noToggles, (text) => {
        let plan;
        try {
          plan = planBootCommand(text);
        } catch {
          return; // a refused wait; other tests cover those
        }
        const held = new Map<number, number>();
        let releasedBeforePressed = false;
        for (const e of plan.events) {
          if (!('key' in e)) continue;
          const count = (held.get(e.key) ?? 0) + (e.down ? 1 : -1);
          if (count < 0) releasedBeforePressed = true;
          held.set(e.key, count);
        }
        expect(releasedBeforePressed).toBe(false);
        expect([...held.values()].every((n) => n === 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('planBootCommand', () => {
  it('marks where each element ends in the event stream', () => {
    const plan = planBootCommand(['a', '', '<ent', 'er>B', '<wait>']);
    expect(plan.events).toEqual([...press(0x61), ...press(0xff0d), ...shifted(0x42), { wait: 1000 }]);
    // Element 2 ("<ent") is done before the split <enter>, which belongs to element 3 where it ends.
    expect(plan.elementEnds).toEqual([2, 2, 2, 8, 9]);
  });

  it('has one end per element even when there is nothing to type', () => {
    expect(planBootCommand(['', '']).elementEnds).toEqual([0, 0]);
    expect(planBootCommand('').elementEnds).toEqual([0]);
    expect(planBootCommand([]).elementEnds).toEqual([]);
  });
});
