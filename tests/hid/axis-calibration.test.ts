import { describe, expect, it } from 'vitest';
import { AxonError } from '../../src/shared/errors';
import {
  applyCalibration,
  centreFromRest,
  deadZoneFromRest,
  defaultAxisCalibration,
  parseJoystickCalibration,
  startRangeLearning,
  widenRange,
  type AxisCalibration,
} from '../../src/main/hid/axis-calibration';

const stick = (over: Partial<AxisCalibration> = {}): AxisCalibration => ({ ...defaultAxisCalibration({ logicalMin: 0, logicalMax: 1023, unipolar: false }), deadZone: 0, ...over });

describe('axis calibration', () => {
  it('defaults to the logical range, centre in the middle, a small dead zone for centred axes and none for unipolar ones', () => {
    expect(defaultAxisCalibration({ logicalMin: 0, logicalMax: 255, unipolar: false })).toEqual({
      mode: 'centred', centre: 127.5, min: 0, max: 255, deadZone: 0.04, curve: 1, invert: false,
    });
    expect(defaultAxisCalibration({ logicalMin: 0, logicalMax: 255, unipolar: true }).deadZone).toBe(0);
  });

  it('maps each half of an off-centre axis onto exactly -1..0 and 0..1', () => {
    const cal = stick({ centre: 600 });
    expect(applyCalibration(0, cal)).toBe(-1);
    expect(applyCalibration(300, cal)).toBe(-0.5);
    expect(applyCalibration(600, cal)).toBe(0);
    expect(applyCalibration(600 + 423 / 2, cal)).toBe(0.5);
    expect(applyCalibration(1023, cal)).toBe(1);
    // Beyond the learned range clamps.
    expect(applyCalibration(-50, cal)).toBe(-1);
    expect(applyCalibration(5000, cal)).toBe(1);
  });

  it('a dead zone reads 0 inside and rescales outside, without a jump at its edge', () => {
    const cal = stick({ centre: 500, min: 0, max: 1000, deadZone: 0.1 });
    expect(applyCalibration(540, cal)).toBe(0);
    expect(applyCalibration(450, cal)).toBe(0);
    expect(applyCalibration(550, cal)).toBeCloseTo(0, 12);
    expect(applyCalibration(775, cal)).toBeCloseTo(0.5, 12);
    expect(applyCalibration(1000, cal)).toBe(1);
    expect(applyCalibration(0, cal)).toBe(-1);
  });

  it('the curve exponent bends the response but keeps the ends and the sign; invert flips it', () => {
    const cal = stick({ centre: 500, min: 0, max: 1000, curve: 2 });
    expect(applyCalibration(750, cal)).toBeCloseTo(0.25, 12);
    expect(applyCalibration(250, cal)).toBeCloseTo(-0.25, 12);
    expect(applyCalibration(1000, cal)).toBe(1);
    expect(applyCalibration(750, { ...cal, invert: true })).toBeCloseTo(-0.25, 12);
    expect(applyCalibration(500, { ...cal, invert: true })).toBe(0);
  });

  it('unipolar axes read 0..1 from min to max, dead zone at the low end, invert = 1 - value', () => {
    const cal: AxisCalibration = { ...defaultAxisCalibration({ logicalMin: 0, logicalMax: 255, unipolar: true }), min: 10, max: 250 };
    expect(applyCalibration(10, cal)).toBe(0);
    expect(applyCalibration(130, cal)).toBe(0.5);
    expect(applyCalibration(255, cal)).toBe(1);
    expect(applyCalibration(130, { ...cal, invert: true })).toBe(0.5);
    expect(applyCalibration(10, { ...cal, invert: true })).toBe(1);
    expect(applyCalibration(34, { ...cal, deadZone: 0.2 })).toBe(0);
  });

  it('learns the range from values seen and the centre as the median of rest samples', () => {
    let cal = startRangeLearning(stick(), 512);
    for (const raw of [520, 300, 20, 700, 1001, 640]) cal = widenRange(cal, raw);
    expect([cal.min, cal.max]).toEqual([20, 1001]);
    expect(widenRange(cal, 500)).toBe(cal);
    expect(centreFromRest([510, 512, 511, 900, 509])).toBe(511);
    expect(centreFromRest([1, 2, 3, 4])).toBe(2.5);
    expect(centreFromRest([])).toBeNull();
    const centred = { ...cal, centre: 511 };
    expect(deadZoneFromRest(centred, [505, 511, 517], 0.02)).toBeCloseTo(6 / 490 + 0.02, 12);
  });

  it('a zero-width range reads rest instead of dividing by zero', () => {
    expect(applyCalibration(7, stick({ min: 7, max: 7, centre: 7 }))).toBe(0);
    expect(applyCalibration(7, { ...stick({ min: 7, max: 7 }), mode: 'unipolar' })).toBe(0);
  });

  it('a stored calibration round-trips through JSON, and a bad one lists its problems', () => {
    const good = { x: stick(), slider: defaultAxisCalibration({ logicalMin: 0, logicalMax: 255, unipolar: true }) };
    expect(parseJoystickCalibration('settings', JSON.parse(JSON.stringify(good)))).toEqual(good);
    try {
      parseJoystickCalibration('joystick.json', { x: { ...stick(), deadZone: 2, curve: 0 } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AxonError);
      expect((err as AxonError).code).toBe('hid_calibration_invalid');
      expect((err as AxonError).message).toBe('joystick.json is not a valid joystick calibration (2 problems)');
      expect((err as AxonError).details.map((d) => d.split(':')[0])).toEqual(['x.deadZone', 'x.curve']);
    }
    expect(() => parseJoystickCalibration('s', { y: stick({ centre: 2000 }) })).toThrow(/1 problem\)/);
  });
});
