import { z } from 'zod';
import { axonError, withDetails } from './errors';
import { controlInputIndex, CONTROL_INPUTS } from './inputs';
import type { PatchLayout } from './patch/layout';
import { formatIssues } from './patch/validate';
import type { Frames, Hertz } from './units';
import { DRUM_OUT_PARAMS } from './params/registry';
import type { SCOPE_TIME_BASES } from './telemetry';

/** Drums the drum outputs, the virtual kit and the drum bridge address (0-15). */
export const DRUM_COUNT = DRUM_OUT_PARAMS.drum.max + 1;

// Control events into the engine. On the wire (the SharedArrayBuffer control ring) an event is
// EVENT_WORDS float64 words: [frame, type, a, b]. A frame below the engine's current position
// (ASAP = -1) applies at the start of the next block; later frames apply on that exact sample.

export const EVENT_WORDS = 4;
export const ASAP = -1;

export const EV_PARAM = 1; // a = slot, b = value (smoothed by the parameter's spec)
export const EV_INPUT = 2; // a = control input index, b = value
export const EV_NOTE_ON = 3; // a = note, b = velocity 1-127
export const EV_NOTE_OFF = 4; // a = note
export const EV_CC = 5; // a = controller, b = value 0-127
export const EV_PITCHBEND = 6; // a = -1..1
export const EV_LEARN = 7; // a = neuron index, b = LEARN_*
export const EV_DRUM = 8; // a = drum 0-15, b = velocity 1-127: a hit on the virtual kit
export const EV_VIRTUAL_DRUMS = 9; // a = 1: the patch's drum outputs also play the virtual kit; 0: only the board
export const EV_PANIC = 10; // a = 1: notes off, no more notes or drums, output ramped to silence; 0: resume
export const EV_SCOPE = 11; // a = neuron scope 0..NEURON_SCOPES-1, b = neuron index to show (-1: none); display only
export const EV_SCOPE_TIME = 12; // a = engine samples per scope sample (SCOPE_TIME_BASES); display only

/**
 * Word 1 packs the type with the patch generation the event was encoded for: parameter and learn
 * events name slots of one patch, so the engine holds them until that patch is playing and drops
 * them once it has been replaced. Other events apply to any patch.
 */
export const typeWord = (type: number, generation: number) => type + 16 * generation;
export const eventType = (word: number) => word % 16;
export const eventGeneration = (word: number) => Math.floor(word / 16);

export const LEARN_FREEZE = 0;
export const LEARN_THAW = 1;
export const LEARN_RESET = 2;
export const LEARN_COMMANDS = ['freeze', 'thaw', 'reset'] as const;

// Output events from the engine: OUT_WORDS float64 words [frame, type, a, b, c].
export const OUT_WORDS = 5;
export const OUT_NOTE_ON = 1; // a = channel 1-16, b = note, c = velocity
export const OUT_NOTE_OFF = 2; // a = channel, b = note
export const OUT_CC = 3; // a = channel, b = controller, c = value
export const OUT_DRUM = 4; // a = drum, b = velocity 1-127
export const OUT_NAN = 5; // a = NAN_* module that held a non-finite value (state reset, output ramped in), b = total count

export const NAN_NETWORK = 1;
export const NAN_VOICE = 2;
export const NAN_REVERB = 3;
export const NAN_MASTER = 4;
export const NAN_SOURCE = 5;
export const NAN_MODULES: Record<number, string> = { 1: 'network', 2: 'voice', 3: 'reverb', 4: 'master', 5: 'source' };

/** An output event as main reports it to UIs and devices. */
export type OutEvent =
  | { frame: Frames; type: 'noteOn'; channel: number; note: number; velocity: number }
  | { frame: Frames; type: 'noteOff'; channel: number; note: number }
  | { frame: Frames; type: 'cc'; channel: number; cc: number; value: number }
  | { frame: Frames; type: 'drum'; drum: number; velocity: number }
  | { frame: Frames; type: 'nan'; module: string; count: number };

export function decodeOutEvent(w: ArrayLike<number>, o = 0): OutEvent | null {
  const frame = w[o];
  switch (w[o + 1]) {
    case OUT_NOTE_ON:
      return { frame, type: 'noteOn', channel: w[o + 2], note: w[o + 3], velocity: w[o + 4] };
    case OUT_NOTE_OFF:
      return { frame, type: 'noteOff', channel: w[o + 2], note: w[o + 3] };
    case OUT_CC:
      return { frame, type: 'cc', channel: w[o + 2], cc: w[o + 3], value: w[o + 4] };
    case OUT_DRUM:
      return { frame, type: 'drum', drum: w[o + 2], velocity: w[o + 3] };
    case OUT_NAN:
      return { frame, type: 'nan', module: NAN_MODULES[w[o + 2]] ?? 'unknown', count: w[o + 3] };
    default:
      return null;
  }
}

// ---- The event log (JSON Lines): what the CLI replays and what a recording writes. ----

const When = { frame: z.number().int().min(0).optional(), time: z.number().min(0).optional() };
const Midi7 = z.number().int().min(0).max(127);

export const LoggedEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...When, type: z.literal('param'), id: z.string(), value: z.number() }),
  z.strictObject({ ...When, type: z.literal('input'), input: z.string(), value: z.number() }),
  z.strictObject({ ...When, type: z.literal('noteOn'), note: Midi7, velocity: z.number().int().min(1).max(127) }),
  z.strictObject({ ...When, type: z.literal('noteOff'), note: Midi7 }),
  z.strictObject({ ...When, type: z.literal('cc'), cc: Midi7, value: Midi7 }),
  z.strictObject({ ...When, type: z.literal('pitchbend'), value: z.number().min(-1).max(1) }),
  z.strictObject({ ...When, type: z.literal('learn'), neuron: z.string(), command: z.enum(LEARN_COMMANDS) }),
  z.strictObject({ ...When, type: z.literal('drum'), drum: z.number().int().min(0).max(DRUM_COUNT - 1), velocity: z.number().int().min(1).max(127) }),
  z.strictObject({ ...When, type: z.literal('virtualDrums'), on: z.boolean() }),
  z.strictObject({ ...When, type: z.literal('panic'), on: z.boolean() }),
]);
export type LoggedEvent = z.infer<typeof LoggedEventSchema>;

/** What the scopes show: into the engine like a control, but no part of the performance, so never in an event log. */
export type DisplayEvent = { type: 'scope'; scope: number; neuron: string | null } | { type: 'scopeTime'; timeBase: (typeof SCOPE_TIME_BASES)[number] };
export type ControlEvent = LoggedEvent | DisplayEvent;
export const isDisplayEvent = (e: ControlEvent): e is DisplayEvent => e.type === 'scope' || e.type === 'scopeTime';

/** Encodes one event for the control ring; throws AxonError for names the patch lacks. */
export function encodeEvent(e: ControlEvent, layout: PatchLayout, frame: number, out: Float64Array, o = 0, generation = 0): void {
  out[o] = frame;
  switch (e.type) {
    case 'param': {
      const slot = layout.slotOf.get(e.id);
      if (slot === undefined) throw axonError('param_unknown', e.id);
      if (!Number.isFinite(e.value)) throw axonError('param_value', e.id, String(e.value));
      out[o + 1] = typeWord(EV_PARAM, generation);
      out[o + 2] = slot;
      out[o + 3] = e.value;
      return;
    }
    case 'input': {
      const index = controlInputIndex(e.input);
      if (index < 0) throw axonError('input_unknown', e.input);
      const spec = CONTROL_INPUTS[index];
      out[o + 1] = EV_INPUT;
      out[o + 2] = index;
      out[o + 3] = Math.min(spec.max, Math.max(spec.min, e.value));
      return;
    }
    case 'noteOn':
      out[o + 1] = EV_NOTE_ON;
      out[o + 2] = e.note;
      out[o + 3] = e.velocity;
      return;
    case 'noteOff':
      out[o + 1] = EV_NOTE_OFF;
      out[o + 2] = e.note;
      out[o + 3] = 0;
      return;
    case 'cc':
      out[o + 1] = EV_CC;
      out[o + 2] = e.cc;
      out[o + 3] = e.value;
      return;
    case 'drum':
      out[o + 1] = EV_DRUM;
      out[o + 2] = e.drum;
      out[o + 3] = e.velocity;
      return;
    case 'virtualDrums':
      out[o + 1] = EV_VIRTUAL_DRUMS;
      out[o + 2] = e.on ? 1 : 0;
      out[o + 3] = 0;
      return;
    case 'panic':
      out[o + 1] = EV_PANIC;
      out[o + 2] = e.on ? 1 : 0;
      out[o + 3] = 0;
      return;
    case 'scope': {
      const index = e.neuron === null ? -1 : layout.neurons.findIndex((n) => n.id === e.neuron);
      if (e.neuron !== null && index < 0) throw axonError('neuron_unknown', e.neuron);
      out[o + 1] = EV_SCOPE;
      out[o + 2] = e.scope;
      out[o + 3] = index;
      return;
    }
    case 'scopeTime':
      out[o + 1] = EV_SCOPE_TIME;
      out[o + 2] = e.timeBase;
      out[o + 3] = 0;
      return;
    case 'pitchbend':
      out[o + 1] = EV_PITCHBEND;
      out[o + 2] = e.value;
      out[o + 3] = 0;
      return;
    case 'learn': {
      const index = layout.neurons.findIndex((n) => n.id === e.neuron);
      if (index < 0) throw axonError('neuron_unknown', e.neuron);
      out[o + 1] = typeWord(EV_LEARN, generation);
      out[o + 2] = index;
      out[o + 3] = LEARN_COMMANDS.indexOf(e.command);
      return;
    }
  }
}

/**
 * An applied control event as the event log writes it (the inverse of encodeEvent): `layout` is
 * the patch of the event's generation. Display events and names the patch lacks give null.
 */
export function decodeEvent(w: ArrayLike<number>, layout: PatchLayout | null): LoggedEvent | null {
  const frame = w[0];
  const a = w[2];
  const b = w[3];
  switch (eventType(w[1])) {
    case EV_PARAM: {
      const id = layout?.params[a]?.id;
      return id === undefined ? null : { frame, type: 'param', id, value: b };
    }
    case EV_INPUT: {
      const input = CONTROL_INPUTS[a]?.id;
      return input === undefined ? null : { frame, type: 'input', input, value: b };
    }
    case EV_NOTE_ON:
      return { frame, type: 'noteOn', note: a, velocity: b };
    case EV_NOTE_OFF:
      return { frame, type: 'noteOff', note: a };
    case EV_CC:
      return { frame, type: 'cc', cc: a, value: b };
    case EV_PITCHBEND:
      return { frame, type: 'pitchbend', value: a };
    case EV_LEARN: {
      const neuron = layout?.neurons[a]?.id;
      const command = LEARN_COMMANDS[b];
      return neuron === undefined || command === undefined ? null : { frame, type: 'learn', neuron, command };
    }
    case EV_DRUM:
      return { frame, type: 'drum', drum: a, velocity: b };
    case EV_VIRTUAL_DRUMS:
      return { frame, type: 'virtualDrums', on: a !== 0 };
    case EV_PANIC:
      return { frame, type: 'panic', on: a !== 0 };
    default:
      return null;
  }
}

export function eventFrame(e: LoggedEvent, sampleRate: Hertz): Frames {
  if (e.frame !== undefined) return e.frame;
  if (e.time !== undefined) return Math.round(e.time * sampleRate);
  return 0;
}

/**
 * Parses a JSONL event log, checks every line against the patch, and returns the events as
 * encoded records sorted by frame (stable, so same-frame events keep their order).
 */
export function parseEventLog(text: string, where: string, layout: PatchLayout, sampleRate: Hertz): Float64Array {
  const problems: string[] = [];
  const records: { frame: number; line: number; words: Float64Array }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const at = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      problems.push(`${at}: not JSON (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
    const parsed = LoggedEventSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) {
      for (const p of formatIssues(parsed.error.issues)) problems.push(`${at}: ${p}`);
      return;
    }
    if (parsed.data.frame !== undefined && parsed.data.time !== undefined) {
      problems.push(`${at}: give "frame" or "time", not both`);
      return;
    }
    const frame = eventFrame(parsed.data, sampleRate);
    const words = new Float64Array(EVENT_WORDS);
    try {
      encodeEvent(parsed.data, layout, frame, words);
    } catch (err) {
      problems.push(`${at}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    records.push({ frame, line: i, words });
  });
  if (problems.length) throw withDetails(axonError('event_log_invalid', where, problems.length), problems);
  records.sort((a, b) => a.frame - b.frame || a.line - b.line);
  const out = new Float64Array(records.length * EVENT_WORDS);
  records.forEach((r, i) => out.set(r.words, i * EVENT_WORDS));
  return out;
}
