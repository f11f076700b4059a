import { describe, expect, it } from 'vitest';
import { example, render } from '../support/engine-harness';
import type { LoggedEvent } from '../../src/shared/events';

const gestures: Array<LoggedEvent & { frame: number }> = [
  { frame: 1000, type: 'input', input: 'joystick.x', value: 0.6 },
  { frame: 20011, type: 'input', input: 'joystick.y', value: -0.4 },
  { frame: 30000, type: 'param', id: 'voice.resonance', value: 0.7 },
  { frame: 40001, type: 'param', id: 'neurons.a.w.b', value: 1.2 },
  { frame: 70000, type: 'input', input: 'joystick.z', value: 0.9 },
];

describe('determinism', () => {
  for (const name of ['dual-neuron', 'neuron-mixer', 'single-neuron-synth', 'neural-midi', 'learning-neuron']) {
    it(`${name}: the same patch, seed and events give bit-identical output at every block size (multiples of 32)`, () => {
      const patch = example(name);
      const events = name === 'dual-neuron' ? gestures : [];
      const ref = render(patch, { seconds: 2, events, blockSize: 128 });
      for (const blockSize of [64, 1024, 96]) {
        const other = render(patch, { seconds: 2, events, blockSize });
        expect(Buffer.compare(Buffer.from(other.audio.buffer), Buffer.from(ref.audio.buffer)), `block ${blockSize}`).toBe(0);
        expect(other.outEvents).toEqual(ref.outEvents);
      }
    });
  }

  it('a different seed changes a patch that uses noise; the same seed does not', () => {
    const patch = example('neuron-mixer');
    const a = render(patch, { seconds: 1, seed: 1 });
    const b = render(patch, { seconds: 1, seed: 1 });
    const c = render(patch, { seconds: 1, seed: 2 });
    expect(Buffer.compare(Buffer.from(a.audio.buffer), Buffer.from(b.audio.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.audio.buffer), Buffer.from(c.audio.buffer))).not.toBe(0);
  });

  it('events land on their exact frame', () => {
    const patch = example('dual-neuron');
    const quiet = render(patch, { seconds: 1, events: [{ frame: 0, type: 'param', id: 'master.gain', value: -60 }] });
    // Jump the master gain (it has smoothing, so watch the first sample that differs).
    const at = 30017;
    const moved = render(patch, {
      seconds: 1,
      events: [
        { frame: 0, type: 'param', id: 'master.gain', value: -60 },
        { frame: at, type: 'input', input: 'joystick.x', value: 1 },
      ],
    });
    let first = -1;
    for (let i = 0; i < quiet.audio.length; i += 2) {
      if (quiet.audio[i] !== moved.audio[i]) {
        first = i / 2;
        break;
      }
    }
    // The input reaches the network at its frame; the output follows after the limiter's lookahead.
    expect(first).toBeGreaterThanOrEqual(at);
    expect(first).toBeLessThan(at + 200);
  });

  it('renders at 44.1, 48 and 96 kHz with the same character', () => {
    for (const sampleRate of [44100, 48000, 96000]) {
      const r = render(example('dual-neuron'), { seconds: 1, sampleRate });
      expect(r.frames).toBe(sampleRate);
      let sum = 0;
      for (let i = 0; i < r.audio.length; i++) sum += r.audio[i] * r.audio[i];
      const rms = Math.sqrt(sum / r.audio.length);
      expect(rms).toBeGreaterThan(0.1);
      expect(rms).toBeLessThan(0.6);
    }
  });
});
