import { createWriteStream, existsSync, mkdirSync, renameSync, type WriteStream } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeEvent, EV_LEARN, EV_PARAM, eventGeneration, eventType, type OutEvent } from '../../shared/events';
import { START_WITH_VIRTUAL_DRUMS } from '../../shared/engine-config';
import type { PatchLayout } from '../../shared/patch/layout';
import type { Patch } from '../../shared/patch/schema';
import type { Frames, Hertz } from '../../shared/units';

// The event log of the engine's run, from its start: the patches it loaded and every control
// event it applied, each on its frame. A fresh engine given the same lines renders the same
// samples (the engine is deterministic), so this is what a recorded set replays from. It is
// written to <data>/journal/current.jsonl as the engine runs (the run before stays as
// previous.jsonl); a set being recorded gets a copy of it so far, then every line as it comes.
// Main-thread only; writes never block (an append stream), a failed write stops the journal.

/** A line of the log (JSON, one per line). Control events are LoggedEvents with a frame. */
export type JournalLine =
  | { type: 'start'; frame: 0; sampleRate: Hertz; blockSize: Frames; virtualDrums: boolean; startedAt: string }
  /** `models`: the SHA-256 of each model file the patch plays (a replay checks it still has those). */
  | { type: 'load'; frame: Frames; gen: number; name: string; seed: number; patch: Patch; models: Record<string, string> }
  /** In a set's copy: the engine frame its master.wav starts on. */
  | { type: 'record'; frame: Frames }
  /** What the engine sent out (notes, controllers, drum strikes): for the set's MIDI file, not replayed. */
  | { type: 'out'; frame: Frames; kind: 'noteOn' | 'noteOff' | 'cc' | 'drum' }
  /** The MIDI clock's tempo as the rig follows it, from about this frame. */
  | { type: 'tempo'; frame: Frames; bpm: number }
  /**
   * What happened around the engine, for people reading the log (a scene switched, a device came
   * or went, a problem): on the frame main had last seen, so within a telemetry period (17 ms).
   * Their effect on the sound is in the control events and loads.
   */
  | { type: 'scene' | 'device' | 'problem'; frame: Frames; what: string };

const JOURNAL_FILE = 'current.jsonl';
const PREVIOUS_JOURNAL_FILE = 'previous.jsonl';
/** A set's copy of the journal. */
export const SET_EVENTS_FILE = 'events.jsonl';

export class EventJournal {
  private stream: WriteStream | null = null;
  private set: WriteStream | null = null;
  /** Lines held back while a set's copy is being made. */
  private held: string[] | null = null;
  private readonly layouts = new Map<number, PatchLayout>();
  private failure: Error | null = null;

  constructor(
    private readonly folder: string,
    private readonly onError: (err: Error) => void,
  ) {}

  get file(): string {
    return path.join(this.folder, JOURNAL_FILE);
  }

  /** A new engine run: a new journal (the last one kept as previous.jsonl). */
  begin(sampleRate: Hertz, blockSize: Frames): void {
    this.stream?.end();
    this.layouts.clear();
    this.failure = null;
    mkdirSync(this.folder, { recursive: true });
    if (existsSync(this.file)) renameSync(this.file, path.join(this.folder, PREVIOUS_JOURNAL_FILE));
    this.stream = this.open(this.file, 'w');
    this.line({ type: 'start', frame: 0, sampleRate, blockSize, virtualDrums: START_WITH_VIRTUAL_DRUMS, startedAt: new Date().toISOString() });
  }

  /** A patch the engine loaded on `frame` (the reply to its load), as generation `gen`. */
  load(frame: Frames, gen: number, name: string, seed: number, layout: PatchLayout, models: Record<string, string>): void {
    this.layouts.set(gen, layout);
    this.line({ type: 'load', frame, gen, name, seed, patch: layout.patch, models });
  }

  /** An applied control event from the engine's log ring: [frame, type word, a, b]. */
  applied(words: Float64Array): void {
    const type = eventType(words[1]);
    const gen = eventGeneration(words[1]);
    const e = decodeEvent(words, this.layouts.get(gen) ?? null);
    if (e === null) return;
    this.line(type === EV_PARAM || type === EV_LEARN ? { ...e, gen } : e);
  }

  /** An output event of the engine (NaN reports are not logged). */
  out(e: OutEvent): void {
    if (e.type === 'nan') return;
    const { type, ...rest } = e;
    this.line({ type: 'out', kind: type, ...rest });
  }

  tempo(frame: Frames, bpm: number): void {
    this.line({ type: 'tempo', frame, bpm });
  }

  happened(type: 'scene' | 'device' | 'problem', frame: Frames, what: string): void {
    this.line({ type, frame, what });
  }

  /**
   * Starts a set's copy at `file`: the journal so far, the frame its audio starts on, then every
   * new line. Lines logged meanwhile wait, so none is lost or written twice.
   */
  async attach(file: string, recordFrame: Frames): Promise<void> {
    const stream = this.stream;
    if (!stream) throw new Error('the event journal has not begun');
    this.held = [];
    try {
      await new Promise<void>((resolve, reject) => stream.write('', (err) => (err ? reject(err) : resolve())));
      await copyFile(this.file, file);
      this.set = this.open(file, 'a');
      this.set.write(JSON.stringify({ type: 'record', frame: recordFrame }) + '\n');
    } finally {
      const held = this.held;
      this.held = null;
      for (const text of held) this.write(text);
    }
  }

  /** Ends the set's copy once every line is on disk. */
  async detach(): Promise<void> {
    const set = this.set;
    this.set = null;
    if (set) await new Promise<void>((resolve) => set.end(resolve));
  }

  async close(): Promise<void> {
    await this.detach();
    const stream = this.stream;
    this.stream = null;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }

  private line(value: object): void {
    this.write(JSON.stringify(value) + '\n');
  }

  private write(text: string): void {
    if (this.held) {
      this.held.push(text);
      return;
    }
    this.stream?.write(text);
    this.set?.write(text);
  }

  private open(file: string, flags: 'w' | 'a'): WriteStream {
    const s = createWriteStream(file, { flags });
    s.on('error', (err) => {
      if (this.failure) return;
      this.failure = err;
      this.onError(err);
    });
    return s;
  }
}
