import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { QmpClient, parseQmpLine } from '../../../src/engines/local/qmp.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-qmp-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('QMP client', () => {
  it('connecting to a socket nobody serves fails fast', async () => {
    await expect(QmpClient.connect(path.join(tmp, 'absent.sock'))).rejects.toThrow(/ENOENT/);
  });
});

describe('QMP message parsing', () => {
  it('classifies greetings, returns, errors and events', () => {
    expect(parseQmpLine('{"QMP": {"version": {"qemu": {"major": 7}}, "capabilities": []}}')).toMatchObject({ kind: 'greeting' });
    expect(parseQmpLine('{"return": {}, "id": 3}')).toEqual({ kind: 'return', id: 3, value: {} });
    expect(parseQmpLine('{"error": {"class": "GenericError", "desc": "bad"}, "id": 4}')).toEqual({ kind: 'error', id: 4, errorClass: 'GenericError', description: 'bad' });
    expect(parseQmpLine('{"event": "SHUTDOWN", "data": {"guest": true}, "timestamp": {"seconds": 1, "microseconds": 2}}')).toMatchObject({
      kind: 'event',
      event: { event: 'SHUTDOWN', data: { guest: true } },
    });
    expect(() => parseQmpLine('[1]')).toThrow(/not a JSON object/);
    expect(() => parseQmpLine('{oops')).toThrow();
  });

  it('property: a return or error with any id and payload comes back intact', () => {
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue(), fc.string(), fc.string(), (id, value, cls, desc) => {
        expect(parseQmpLine(JSON.stringify({ return: value, id }))).toEqual({ kind: 'return', id, value: JSON.parse(JSON.stringify(value)) });
        expect(parseQmpLine(JSON.stringify({ error: { class: cls, desc }, id }))).toEqual({ kind: 'error', id, errorClass: cls, description: desc });
      }),
    );
  });
});
