import { describe, expect, it } from 'vitest';
import { freeSpaceText, recordingLight, setStatusText, sizeText } from '../../src/renderer/src/lib/record-view';
import { formatDuration } from '../../src/shared/recording';
import { recordedSet, recordingState } from './components/fixtures';

const idle = recordingState(82.9e9);

const set = recordedSet();

describe('the Record view text', () => {
  it('sizes in kB, MB, GB with three significant digits', () => {
    expect(sizeText(950)).toBe('950 B');
    expect(sizeText(1_230_000)).toBe('1.23 MB');
    expect(sizeText(45_600_000)).toBe('45.6 MB');
    expect(sizeText(1.382e9)).toBe('1.38 GB');
    expect(sizeText(412e9)).toBe('412 GB');
    expect(sizeText(Number.NaN)).toBe('\u2014');
  });

  it('free space as size and recording time, or unknown', () => {
    expect(freeSpaceText(idle)).toBe('82.9 GB free: about 59 h of recording');
    expect(freeSpaceText({ ...idle, freeBytes: 100e6, freeSeconds: 100e6 / 384_000 })).toBe('100 MB free: about 4 min of recording');
    expect(freeSpaceText({ ...idle, freeBytes: null, freeSeconds: null })).toBe('free space unknown');
  });

  it('lengths as m:ss, then h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(3.99)).toBe('0:03');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3723)).toBe('1:02:03');
  });

  it('lights the header only while armed, recording or saving', () => {
    expect(recordingLight(null)).toBeNull();
    expect(recordingLight(idle)).toBeNull();
    expect(recordingLight({ ...idle, state: 'armed' })).toBe('REC armed');
    expect(recordingLight({ ...idle, state: 'recording', elapsedSeconds: 3723 })).toBe('● REC 1:02:03');
    expect(recordingLight({ ...idle, state: 'stopping' })).toBe('REC saving…');
  });

  it('says how each set ended', () => {
    expect(setStatusText(set)).toBe('complete');
    expect(setStatusText({ ...set, droppedFrames: 480 })).toBe('complete, 480 frames lost');
    expect(setStatusText({ ...set, stoppedBy: 'disk_full' })).toBe('stopped: disk full');
    expect(setStatusText({ ...set, stoppedBy: 'app_closed' })).toBe('stopped when the app closed');
    expect(setStatusText({ ...set, status: 'open', stoppedBy: null })).toBe('not closed (the app stopped while recording): npx axon repair closes it');
    expect(setStatusText({ ...set, status: 'damaged' })).toBe('damaged manifest');
  });
});
