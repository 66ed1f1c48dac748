import { describe, expect, it } from 'vitest';
import { fastHookCall } from './hook.js';

describe('fastHookCall: the hook forms agent CLIs run, and nothing else', () => {
  it('takes the forms this tool writes into their settings', () => {
    expect(fastHookCall(['hook', '--agent', 'ag-1'])).toEqual({ agent: 'ag-1', decide: false, json: false });
    expect(fastHookCall(['hook', '--agent', 'ag-1', '--decide'])).toEqual({
      agent: 'ag-1',
      decide: true,
      json: false,
    });
    expect(fastHookCall(['hook', '--agent', 'ag-1', '--json', '{"type":"x"}'])).toEqual({
      agent: 'ag-1',
      decide: false,
      json: true,
      payload: '{"type":"x"}',
    });
  });

  it('leaves every other form to the whole CLI, which explains it', () => {
    for (const argv of [
      ['hook'],
      ['hook', '--agent'],
      ['hook', '--agent', ''],
      ['hook', '--agent', '--decide'],
      ['hook', '--agent=ag-1'],
      ['hook', '--help'],
      ['hook', '--agent', 'ag-1', '--help'],
      ['hook', '--agent', 'ag-1', '--decide', '--decide'],
      ['hook', '--agent', 'ag-1', '{}', '{}'],
      ['hook', '--agent', 'ag-1', '--desicde'],
      ['hook', '--agent', 'ag-1', '-'],
      ['ls', '--agent', 'ag-1'],
    ]) {
      expect(fastHookCall(argv), argv.join(' ')).toBeNull();
    }
  });
});
