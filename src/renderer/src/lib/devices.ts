import type { AudioDevices, DevicesState, JoystickCalibrationProgress } from '../../../shared/api';

// What the Devices menu shows, as plain functions of the API's state (tested without a browser).

export interface Choice {
  value: string;
  label: string;
}

export const OFF = 'off';
const SEP = '\u0000';

/** Output choices: every backend's devices ("audify: jack:system"), then off. */
export function outputChoices(list: AudioDevices | null): Choice[] {
  const out: Choice[] = [];
  for (const o of list?.outputs ?? []) for (const d of o.devices) out.push({ value: `${o.backend}${SEP}${d.name}`, label: `${d.name} (${o.backend}${d.isDefault ? ', default' : ''})` });
  return [...out, { value: OFF, label: 'Off (silent)' }];
}

export function outputChoice(value: string): { backend: 'audify' | 'naudiodon'; device: string | null } | null {
  if (value === OFF) return null;
  const [backend, device] = value.split(SEP);
  return { backend: backend === 'naudiodon' ? 'naudiodon' : 'audify', device: device || null };
}

/** The choice matching the output in use; '' when it is not in the list (then the select shows none). */
export function currentOutput(d: DevicesState): string {
  if (d.audioOut.sink === 'clock') return d.audioOut.detail === 'audio output off' ? OFF : '';
  return `${d.audioOut.sink}${SEP}${d.audioOut.device}`;
}

export function inputChoices(list: AudioDevices | null): Choice[] {
  return [{ value: OFF, label: 'None' }, ...(list?.inputs.devices ?? []).map((d) => ({ value: d.name, label: `${d.name} (${d.channels} ch)` }))];
}

export function outputSummary(d: DevicesState): string {
  const a = d.audioOut;
  if (a.sink === 'clock') return a.detail === 'audio output off' ? 'Off: the engine runs on its own clock' : `No sound: ${a.detail}`;
  return `${a.device} through ${a.sink}, ${a.latencyMs.toFixed(1)} ms to the device${a.detail ? ` (${a.detail})` : ''}`;
}

/** Whether the engine thread runs above the rest of the app (the UI above all), or why not. */
export function prioritySummary(d: DevicesState): string {
  const p = d.audioOut.priority;
  return p.note === '' ? `Engine thread at real-time priority ${p.realtime}, above the UI` : `Engine thread at nice ${p.nice}: ${p.note}`;
}

export function inputSummary(d: DevicesState): string {
  const a = d.audioIn;
  switch (a.state) {
    case 'off':
    case 'closed':
      return 'No audio input';
    case 'opening':
      return `Opening ${a.device}…`;
    case 'failed':
      return `Not listening: ${a.detail}`;
    case 'on':
      return `${a.device} channel ${a.channel}, ${a.latencyMs.toFixed(1)} ms${a.dropped > 0 ? `, ${a.dropped} frames lost` : ''}`;
  }
}

export function midiSummary(d: DevicesState): string {
  const m = d.midi;
  if (m.state === 'off') return 'MIDI is off in this app';
  if (m.state === 'unavailable') return `Unavailable: ${m.detail}`;
  if (m.state === 'stopped') return 'Stopped';
  const clock = m.clockBpm === null ? 'no clock' : `clock ${m.clockBpm.toFixed(1)} BPM`;
  const input = m.input === null ? '' : m.inputOpen ? `, in from ${m.input}` : `, waiting for "${m.input}"`;
  return `${m.detail}: virtual ports "Axon Stage in/out"${input}, ${clock}`;
}

/** What the performer should do now in a joystick calibration. */
export function calibrationStep(p: JoystickCalibrationProgress): string {
  if (p.phase === 'rest') return `Leave the stick alone… ${Math.max(0, (p.restMs - p.restElapsedMs) / 1000).toFixed(1)} s`;
  if (p.phase === 'range') return 'Move every axis to both ends, then Save';
  return 'Done';
}

/** An axis as fractions of its logical range: the learned span and where it is now (null: nothing yet). */
export function axisBar(a: JoystickCalibrationProgress['axes'][number]): { from: number; to: number; at: number | null } {
  const span = a.logicalMax - a.logicalMin || 1;
  const f = (v: number) => Math.min(1, Math.max(0, (v - a.logicalMin) / span));
  return { from: a.min === null ? 0 : f(a.min), to: a.max === null ? 0 : f(a.max), at: a.raw === null ? null : f(a.raw) };
}

export function oscSummary(d: DevicesState): string {
  const o = d.osc;
  if (o.state === 'off') return 'Off: give an address to listen on and where to send';
  const parts = [o.listening ? `in on ${o.listening}` : 'no input', o.targets.length ? `out to ${o.targets.join(', ')}` : 'no output'];
  const counts = `${o.packetsIn} in, ${o.packetsOut} out${o.errors ? `, ${o.errors} problem${o.errors === 1 ? '' : 's'}` : ''}`;
  return `${parts.join(', ')} (${counts})${o.lastProblem ? `; last problem: ${o.lastProblem}` : ''}`;
}

/** The OSC fields as the API takes them: empty listen is no input; targets split on commas or spaces. */
export function oscConfig(listen: string, targets: string): { listen: string | null; targets: string[] } {
  return { listen: listen.trim() || null, targets: targets.split(/[\s,]+/).filter((t) => t !== '') };
}

/** Block sizes the Devices menu offers (the engine takes any multiple of 32 from 64 to 1024). */
export const BUFFER_CHOICES = [64, 128, 256, 512, 1024] as const;

/** "128 frames (2.7 ms)": a block's length at the engine's rate. */
export function bufferLabel(frames: number, sampleRate: number): string {
  return `${frames} frames (${((frames / sampleRate) * 1000).toFixed(1)} ms)`;
}

/** Device queues to offer, in ms (audify): more rides out longer stalls of a busy machine, and adds as much latency. */
export const QUEUE_CHOICES = [11, 21, 32, 43, 64, 85] as const;
/** The queue select's value for the sink's own queue (4 device periods). */
export const USUAL_QUEUE = '';

/** The queues to offer: the sink's own, the usual sizes, and the one in use if it is another (from --queue-ms). */
export function queueChoices(current: number | null): Choice[] {
  const sizes: number[] = current === null || (QUEUE_CHOICES as readonly number[]).includes(current) ? [...QUEUE_CHOICES] : [...QUEUE_CHOICES, current].sort((a, b) => a - b);
  return [{ value: USUAL_QUEUE, label: '4 periods' }, ...sizes.map((ms) => ({ value: String(ms), label: `${ms} ms` }))];
}

/** The output in use with another queue (USUAL_QUEUE: the sink's own), or null when no device plays. */
export function queuePick(d: DevicesState, value: string): { backend: 'audify' | 'naudiodon'; device: string | null; queueMs: number | null } | null {
  const value0 = currentOutput(d);
  const current = value0 === '' ? null : outputChoice(value0);
  if (current === null) return null;
  return { ...current, queueMs: value === USUAL_QUEUE ? null : Number(value) };
}

/** The block sizes to offer: the usual ones, and the one in use if it is another (from --block). */
export function bufferChoices(current: number): number[] {
  return (BUFFER_CHOICES as readonly number[]).includes(current) ? [...BUFFER_CHOICES] : [...BUFFER_CHOICES, current].sort((a, b) => a - b);
}
