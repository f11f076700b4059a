import { describe, expect, it } from 'vitest';
import { EV_PARAM, EVENT_WORDS, OUT_NOTE_OFF, OUT_NOTE_ON, typeWord } from '../../src/shared/events';
import { layoutPatch } from '../../src/shared/patch/layout';
import { Engine } from '../../src/worker/engine';
import { OutEventList } from '../../src/worker/outputs/out-event-sink';
import { ArrayEventSource } from '../../src/worker/rings/array-event-source';
import { example } from '../support/engine-harness';

const SR = 48000;

describe('patch changes', () => {
  it('fade the old patch out and the new one in: no click, no stuck note', () => {
    const out = new OutEventList();
    const engine = new Engine({ sampleRate: SR, out });
    engine.load(layoutPatch(example('neural-midi')), 7, 0);
    const none = new ArrayEventSource(new Float64Array(0));
    const block = new Float32Array(256);
    const audio: number[] = [];
    const run = (seconds: number) => {
      for (let i = 0; i < (seconds * SR) / 128; i++) {
        engine.render(block, 128, none);
        for (const x of block) audio.push(x);
      }
    };
    run(1);
    const swapAt = engine.frame;
    engine.load(layoutPatch(example('dual-neuron')), 1, 1);
    run(0.5);
    // The fade: within 10 ms (plus a block) the old patch is down to silence, then the new one rises.
    const windowRms = (start: number) => {
      let s = 0;
      for (let f = start; f < start + 96; f++) s += audio[2 * f] ** 2;
      return Math.sqrt(s / 96);
    };
    let before = 0;
    for (let f = swapAt - 0.02 * SR; f < swapAt; f += 16) before = Math.max(before, windowRms(f));
    let quietest = Infinity;
    for (let f = swapAt; f < swapAt + 0.01 * SR + 256; f += 16) quietest = Math.min(quietest, windowRms(f));
    expect(before).toBeGreaterThan(0.05);
    expect(quietest).toBeLessThan(0.01);
    expect(quietest).toBeLessThan(0.1 * before);
    expect(windowRms(swapAt + 0.1 * SR)).toBeGreaterThan(0.02);
    // No sample-to-sample jump bigger than the music itself makes.
    let jump = 0;
    for (let i = 2 * swapAt; i < 2 * (swapAt + 0.05 * SR) - 2; i += 2) jump = Math.max(jump, Math.abs(audio[i + 2] - audio[i]));
    expect(jump).toBeLessThan(0.1);
    // Every note the old patch started is ended.
    const on = out.events.filter((e) => e[1] === OUT_NOTE_ON).length;
    const off = out.events.filter((e) => e[1] === OUT_NOTE_OFF).length;
    expect(on).toBeGreaterThan(0);
    expect(off).toBe(on);
    expect(engine.runtime?.generation).toBe(1);
  });

  it('hold parameter events for a patch not yet swapped in, and drop those for a patch gone', () => {
    const engine = new Engine({ sampleRate: SR, out: new OutEventList() });
    const a = layoutPatch(example('dual-neuron'));
    const b = layoutPatch(example('neuron-mixer'));
    engine.load(a, 1, 0);
    const block = new Float32Array(256);
    const none = new ArrayEventSource(new Float64Array(0));
    for (let i = 0; i < 10; i++) engine.render(block, 128, none);
    engine.load(b, 1, 1);
    const slotA = a.slotOf.get('voice.pitch') ?? -1;
    const slotB = b.slotOf.get('voice.cutoff') ?? -1;
    const words = new Float64Array(3 * EVENT_WORDS);
    // [frame, type word, slot, value]: B's event before A's, as main would queue them after a load.
    words.set([engine.frame, typeWord(EV_PARAM, 1), slotB, 555], 0);
    words.set([engine.frame, typeWord(EV_PARAM, 0), slotA, 440], EVENT_WORDS);
    words.set([engine.frame, typeWord(EV_PARAM, 1), b.slotOf.get('voice.level') ?? -1, 0.2], 2 * EVENT_WORDS);
    const queue = new ArrayEventSource(words);
    engine.render(block, 128, queue);
    // Still fading out A: B's event waits (and so does everything behind it).
    expect(engine.runtime?.generation).toBe(0);
    expect(engine.runtime?.bank.target[slotA]).not.toBe(440);
    for (let i = 0; i < 10; i++) engine.render(block, 128, queue);
    const rt = engine.runtime;
    expect(rt?.generation).toBe(1);
    expect(rt?.bank.target[slotB]).toBe(555);
    expect(rt?.bank.target[b.slotOf.get('voice.level') ?? -1]).toBe(0.2);
    // A's event was dropped, not applied to B's slot with the same number.
    expect(rt?.bank.target[slotA]).toBe(b.params[slotA].initial);
  });
});
