import { FaultUsageError, faultRequestOf } from './fault-command';

describe('faultRequestOf', () => {
  it('maps each switch to its fault request', () => {
    expect(faultRequestOf([])).toBeUndefined();
    expect(faultRequestOf(['refused'])).toEqual({ refused: true });
    expect(faultRequestOf(['refused', 'off'])).toEqual({ refused: false });
    expect(faultRequestOf(['unavailable', 'on'])).toEqual({ unavailable: true });
    expect(faultRequestOf(['partition'])).toEqual({ partitioned: true });
    expect(faultRequestOf(['partition', 'off'])).toEqual({ partitioned: false });
    expect(faultRequestOf(['not-ready', 'site-01-node-01'])).toEqual({
      nodeReady: { node: 'site-01-node-01', ready: false },
    });
    expect(faultRequestOf(['ready', 'n'])).toEqual({ nodeReady: { node: 'n', ready: true } });
    expect(faultRequestOf(['throttle', '5'])).toEqual({ throttle: { requests: 5, retryAfterSeconds: 1 } });
    expect(faultRequestOf(['throttle', '5', '3'])).toEqual({
      throttle: { requests: 5, retryAfterSeconds: 3 },
    });
    expect(faultRequestOf(['conflicts', '2'])).toEqual({ conflicts: 2 });
    expect(faultRequestOf(['drop-watches'])).toEqual({ dropWatches: true });
    expect(faultRequestOf(['clear'])).toEqual({ clear: true });
    expect(faultRequestOf(['{"unavailable":true,"conflicts":1}'])).toEqual({
      unavailable: true,
      conflicts: 1,
    });
  });

  it('refuses what it cannot mean, naming the problem', () => {
    expect(() => faultRequestOf(['refused', 'maybe'])).toThrow(/"on" or "off"/);
    expect(() => faultRequestOf(['not-ready'])).toThrow(/node name/);
    expect(() => faultRequestOf(['throttle', '-1'])).toThrow(FaultUsageError);
    expect(() => faultRequestOf(['clear', 'now'])).toThrow(/too many arguments/);
    expect(() => faultRequestOf(['explode'])).toThrow(/unknown switch "explode"/);
    expect(() => faultRequestOf(['{nope'])).toThrow(/does not parse/);
  });
});
