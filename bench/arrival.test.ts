import { describe, expect, it } from 'vitest';
import { arrivalOffsetMs, arrivalsIn, highestRateHeld, parseRates, startDecision, stepHeld, whyNotHeld } from './arrival.ts';

describe('arrival schedule', () => {
  it('spaces requests evenly at the rate, whatever came before', () => {
    expect([0, 1, 2, 60].map((i) => arrivalOffsetMs(i, 60))).toEqual([0, 1000 / 60, 2000 / 60, 1000]);
    expect(arrivalsIn(20_000, 60)).toBe(1200);
    expect(arrivalsIn(1000, 0.5)).toBe(1);
  });
  it('drops a request when the in-flight bound is reached, and counts one that starts behind schedule as late', () => {
    expect(startDecision(100, 101, 3, 4, 20)).toBe('start');
    expect(startDecision(100, 130, 3, 4, 20)).toBe('late');
    expect(startDecision(100, 101, 4, 4, 20)).toBe('dropped');
  });
});

describe('ramp stop rule', () => {
  const step = (rate: number, p99Ms: number, errors = 0, dropped = 0) => ({ rate, p99Ms, errors, dropped });
  it('holds a step only without errors, without drops and under the p99 limit', () => {
    expect(stepHeld(step(100, 149), 150)).toBe(true);
    expect(stepHeld(step(100, 150), 150)).toBe(false);
    expect(stepHeld(step(100, 20, 1), 150)).toBe(false);
    expect(stepHeld(step(100, 20, 0, 1), 150)).toBe(false);
  });
  it('reports the last step held before the first failure', () => {
    expect(highestRateHeld([step(50, 60), step(100, 80), step(150, 400), step(200, 90)], 150)).toBe(100);
    expect(highestRateHeld([step(50, 60), step(100, 80, 2)], 150)).toBe(50);
    expect(highestRateHeld([step(50, 200)], 150)).toBeUndefined();
  });
  it('says why a step was not held', () => {
    expect(whyNotHeld(step(100, 20), 150)).toBeUndefined();
    expect(whyNotHeld(step(100, 212, 3, 12), 150)).toBe('3 errors, 12 dropped, guardian p99 212 ms ≥ 150 ms');
  });
  it('parses a ramp', () => {
    expect(parseRates('50, 100,200')).toEqual([50, 100, 200]);
    expect(() => parseRates('100,50')).toThrow(/increasing/);
    expect(() => parseRates('')).toThrow();
  });
});
