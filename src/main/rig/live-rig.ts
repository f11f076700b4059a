import { EventEmitter } from 'node:events';
import type { DevicesState, JoystickAxisResponse, Notice } from '../../shared/api';
import { axonError, AxonError } from '../../shared/errors';
import { AudioInput, type AudioInputOptions } from '../audio-in/audio-input';
import type { AnalyserReading } from '../audio-in/input-analyser';
import type { Backend, RigControls } from '../backend';
import type { DrumEar } from '../drums/drum-workbench';
import { defaultAxisCalibration, type JoystickCalibration } from '../hid/axis-calibration';
import { CalibrationSession } from '../hid/calibration-session';
import { calibrationFromStore, JoystickCalibrationStore } from '../hid/calibration-store';
import { JoystickInputRouter } from '../hid/joystick-input-router';
import { JoystickManager, type JoystickDevice, type JoystickManagerOptions } from '../hid/joystick-manager';
import { ClockFollower } from '../midi/clock-follower';
import { pitchBendToUnit, type MidiMessage } from '../midi/midi-message';
import { MidiOut } from '../midi/midi-out';
import { MidiPorts, type MidiPortsOptions, type MidiStatus, type PortHandle } from '../midi/midi-ports';
import { startOscBridge, type OscBridge } from '../osc/osc-bridge';
import { OSC_DEFAULT_LISTEN, parseEndpoint, type OscEndpoint } from '../osc/osc-endpoint';
import { CallAndResponse, type CallAndResponseOptions } from '../phrase/call-and-response';
import type { Answer, Phrase } from '../phrase/phrase';

/** General MIDI's percussion channel: its notes strike the drums instead of playing the voice. */
export const DRUM_CHANNEL = 10;
/** How often the clock follower checks that clocks still arrive. */
const CLOCK_POLL_MS = 100;
/** How often unavailable MIDI is tried again (the performer may start jackd mid-set). */
const MIDI_RETRY_MS = 5000;
/** How often call and response looks for a phrase's end. */
const PHRASE_TICK_MS = 15;
/** MIDI channel the answers' notes play on: apart from the patch's own notes, so a synth can voice them differently. */
export const ANSWER_CHANNEL = 2;

/** How long `audio.onset` reads 1 after a hit: a few control chunks, so every patch sees it. */
const ONSET_HOLD_MS = 30;
/** Smallest change of an audio-in input worth an event (the envelope moves every few ms). */
const AUDIO_INPUT_STEP = 1 / 512;

/** A frequency as `audio.pitch` reads it: MIDI note number / 127. */
export function pitchToUnit(hz: number): number {
  if (!(hz > 0)) return 0;
  const note = 69 + 12 * Math.log2(hz / 440);
  return Math.min(1, Math.max(0, note / 127));
}

/** How often a joystick calibration in progress is shown to the UI. */
const CALIBRATION_TICK_MS = 100;

/** A few JACK periods (5.3 ms at 256 frames) for the last messages to leave. */
const NOTES_OFF_FLUSH_MS = 50;

const hostSeconds = () => performance.now() / 1000;

export interface LiveRigOptions {
  /** MIDI: virtual in and out ports always (when MIDI works), plus this input by name. */
  midi?: { input: string | null; ports?: MidiPortsOptions } | null;
  /** USB joysticks (the first one drives the joystick inputs). */
  hid?: JoystickManagerOptions | null;
  /** OSC out to these receivers, and in on `listen` (null: no input). */
  osc?: { targets: readonly OscEndpoint[]; listen: OscEndpoint | null } | null;
  /**
   * Call and response: phrases played into MIDI in (notes, and percussion-channel drum notes)
   * answered on MIDI out and the drums. The patch's own notes and drums are never calls: the
   * rig would answer itself.
   */
  respond?: Partial<CallAndResponseOptions> | null;
  /** A microphone or line in: its envelope, pitch and onsets become the audio.* inputs. */
  audioIn?: AudioInputOptions | null;
  /** Things that went wrong and were survived (a port gone, a bad datagram...), for a log line or the UI. */
  onProblem?: (error: Error) => void;
}

/**
 * The performer's devices around a Backend: MIDI in to the engine and the drums, the engine's
 * notes and CCs to MIDI out, MIDI clock followed, USB joysticks to the joystick inputs, OSC in
 * and out. Every device may be missing or vanish mid-set: each says so and the rest plays on.
 * Main thread only.
 */
export class LiveRig extends EventEmitter<{ answer: [Answer, Phrase] }> implements RigControls {
  private midi: MidiPorts | null = null;
  private midiOut: MidiOut | null = null;
  private midiInput: PortHandle | null = null;
  private midiStatus: MidiStatus = { state: 'stopped' };
  readonly clock = new ClockFollower();
  private clockTimer: NodeJS.Timeout | null = null;
  private midiRetryTimer: NodeJS.Timeout | null = null;
  private midiInputQuery: string | null = null;
  private joysticks: JoystickManager | null = null;
  private detachJoysticks: (() => void) | null = null;
  private osc: OscBridge | null = null;
  private oscConfig: { targets: readonly OscEndpoint[]; listen: OscEndpoint | null } | null = null;
  private responder: CallAndResponse | null = null;
  private phraseTimer: NodeJS.Timeout | null = null;
  private audioIn: AudioInput | null = null;
  private onsetTimer: NodeJS.Timeout | null = null;
  private readonly audioSent = new Map<string, number>();
  private readonly calibrationStore = new JoystickCalibrationStore();
  private readonly calibrations = new Map<string, CalibrationSession>();
  private calibrationTimer: NodeJS.Timeout | null = null;
  private readonly answerTimers = new Set<NodeJS.Timeout>();
  /** By input port: the notes it holds down in the engine, and whether it bent the pitch. */
  private readonly held = new Map<string, { notes: Set<number>; bent: boolean }>();
  answers = 0;
  private readonly problem: (error: Error) => void;
  private readonly onOut = (n: Notice) => {
    if (n.type === 'out') this.midiOut?.play(n.event);
  };

  private constructor(
    private readonly backend: Backend,
    o: LiveRigOptions,
  ) {
    super();
    this.problem = o.onProblem ?? (() => undefined);
  }

  static async start(backend: Backend, o: LiveRigOptions = {}): Promise<LiveRig> {
    const rig = new LiveRig(backend, o);
    if (o.midi) rig.startMidi(o.midi.input, o.midi.ports);
    if (o.hid) rig.startJoysticks(o.hid);
    if (o.osc) await rig.startOsc(o.osc);
    if (o.respond) rig.startResponder(o.respond);
    if (o.audioIn) await rig.startAudioInput(o.audioIn);
    backend.attachRig(rig);
    return rig;
  }

  private report(err: Error): void {
    this.problem(err);
  }

  private startMidi(input: string | null, options?: MidiPortsOptions): void {
    const midi = new MidiPorts(options);
    this.midi = midi;
    this.midiInputQuery = input;
    midi.on('status', (s) => {
      // Retries repeat 'unavailable': say it once per fall.
      if (s.state === 'unavailable' && this.midiStatus.state !== 'unavailable') this.report(s.error);
      this.midiStatus = s;
      if (s.state === 'available') this.openMidiPorts();
      this.backend.devicesChanged();
    });
    midi.on('problem', (e) => this.report(e));
    midi.on('ports', () => this.backend.devicesChanged());
    midi.on('opened', () => this.backend.devicesChanged());
    midi.on('closed', (port) => {
      // A port gone (unplugged, its program quit): said, and nothing it held stays held. Our own
      // virtual ports go only with MIDI itself, which says so once.
      if (port.kind === 'input') this.releaseHeld(port.name);
      if (port.error && !port.virtual) this.report(port.error);
      this.backend.devicesChanged();
    });
    midi.on('message', ({ port, message, time }) => {
      this.clock.handle(message, time);
      this.hold(port, message);
      this.play(message);
      if (message.type === 'noteOn') this.listen({ time: time / 1000, note: message.note, velocity: message.velocity, source: message.channel === DRUM_CHANNEL ? 'drum' : 'midi' });
    });
    // The tempo map of the sets recorded.
    this.clock.on('tempo', (bpm) => this.backend.tempoChanged(bpm));
    midi.start();
    this.midiRetryTimer = setInterval(() => midi.retry(), MIDI_RETRY_MS);
    this.clockTimer = setInterval(() => this.clock.poll(), CLOCK_POLL_MS);
  }

  /** Our virtual ports and the input asked for, once MIDI works (at start or on a retry). */
  private openMidiPorts(): void {
    const midi = this.midi;
    if (!midi || this.midiOut) return;
    try {
      midi.openVirtualInput();
      this.midiOut = new MidiOut(midi.openVirtualOutput());
      if (this.midiInputQuery !== null) this.midiInput = midi.openInput(this.midiInputQuery);
      this.backend.on('notice', this.onOut);
    } catch (err) {
      this.report(err as Error);
    }
  }

  /**
   * Listens to another MIDI input (its name, or part of it; null: only our virtual input). One
   * not there yet opens when it appears.
   */
  setMidiInput(query: string | null): void {
    if (!this.midi) throw axonError('rig_off', 'MIDI');
    this.midiInput?.close();
    this.midiInput = null;
    this.midiInputQuery = query;
    if (query !== null && this.midiOut) this.midiInput = this.midi.openInput(query);
    this.backend.devicesChanged();
  }

  /** Keeps what an input port holds down in the engine: its notes (not the drums': strikes) and its pitch bend. */
  private hold(port: string, m: MidiMessage): void {
    if ((m.type !== 'noteOn' && m.type !== 'noteOff' && m.type !== 'pitchBend') || m.channel === DRUM_CHANNEL) return;
    let held = this.held.get(port);
    if (!held) this.held.set(port, (held = { notes: new Set(), bent: false }));
    if (m.type === 'noteOn') held.notes.add(m.note);
    else if (m.type === 'noteOff') held.notes.delete(m.note);
    else held.bent = pitchBendToUnit(m.value) !== 0;
  }

  /** The notes a vanished input held are let go, its pitch bend centred: as its own note-offs would have. */
  private releaseHeld(port: string): void {
    const held = this.held.get(port);
    this.held.delete(port);
    if (!held) return;
    for (const note of held.notes) this.send({ type: 'noteOff', note });
    if (held.bent) this.send({ type: 'pitchbend', value: 0 });
  }

  private send(e: Parameters<Backend['engine']['send']>[0]): void {
    try {
      this.backend.engine.send(e);
    } catch (err) {
      this.report(err as Error);
    }
  }

  /** MIDI in: percussion-channel notes to the drums, program changes to the set list, the rest to the engine (which sets the midi.* inputs). */
  private play(m: MidiMessage): void {
    const send = (e: Parameters<Backend['engine']['send']>[0]) => this.send(e);
    switch (m.type) {
      case 'noteOn':
        if (m.channel === DRUM_CHANNEL) this.backend.drums.noteOn(m.note, m.velocity);
        else send({ type: 'noteOn', note: m.note, velocity: m.velocity });
        break;
      case 'noteOff':
        if (m.channel !== DRUM_CHANNEL) send({ type: 'noteOff', note: m.note });
        break;
      case 'cc':
        send({ type: 'cc', cc: m.cc, value: m.value });
        break;
      case 'pitchBend':
        send({ type: 'pitchbend', value: pitchBendToUnit(m.value) });
        break;
      case 'programChange':
        // On any channel: a foot controller's channel is rarely worth configuring on stage.
        this.backend.programChange(m.program);
        break;
      default:
        break;
    }
  }

  private startResponder(o: Partial<CallAndResponseOptions>): void {
    const responder = new CallAndResponse(o);
    this.responder = responder;
    responder.on('answer', (answer, call) => this.playAnswer(answer, call));
    this.clock.on('tempo', (bpm) => responder.setTempo({ bpm, beatTime: hostSeconds() }));
    this.clock.on('lock', (locked) => {
      if (!locked) responder.setTempo(null);
    });
    this.phraseTimer = setInterval(() => {
      try {
        responder.tick(hostSeconds());
      } catch (err) {
        this.report(err as Error);
      }
    }, PHRASE_TICK_MS);
  }

  private listen(onset: Parameters<CallAndResponse['onset']>[0]): void {
    try {
      this.responder?.onset(onset);
    } catch (err) {
      this.report(err as Error);
    }
  }

  /** Drums are scheduled on the board's clock at once; notes wait on a timer for their time. */
  private playAnswer(answer: Answer, call: Phrase): void {
    this.answers++;
    this.emit('answer', answer, call);
    const now = hostSeconds();
    for (const e of answer.events) {
      if (e.kind === 'drum') {
        this.backend.drums.hit(e.drum, e.velocity, e.time * 1e6);
        continue;
      }
      const timer = setTimeout(() => {
        this.answerTimers.delete(timer);
        this.midiOut?.noteOn(ANSWER_CHANNEL, e.note, e.velocity, e.duration * 1000);
        this.backend.rigNoteOut(ANSWER_CHANNEL, e.note, e.velocity, e.duration);
      }, Math.max(0, (e.time - now) * 1000));
      this.answerTimers.add(timer);
    }
  }

  private async startAudioInput(o: AudioInputOptions): Promise<void> {
    const input = new AudioInput({ sampleRate: this.backend.engine.sampleRate, ...o });
    this.audioIn = input;
    input.on('problem', (e) => this.report(e));
    input.on('status', () => this.backend.devicesChanged());
    input.on('reading', (r) => this.sendReading(r));
    input.on('onset', () => {
      this.sendAudio('audio.onset', 1, true);
      if (this.onsetTimer) clearTimeout(this.onsetTimer);
      this.onsetTimer = setTimeout(() => this.sendAudio('audio.onset', 0, true), ONSET_HOLD_MS);
    });
    // Not opening is survivable: it says why and keeps trying.
    await input.open().catch((e: Error) => this.report(e));
  }

  panic(): void {
    for (const t of this.answerTimers) clearTimeout(t);
    this.answerTimers.clear();
    this.midiOut?.panic();
  }

  async setAudioInput(choice: { device: string | null; channel: number } | null): Promise<void> {
    const old = this.audioIn;
    this.audioIn = null;
    await old?.close();
    if (this.onsetTimer) clearTimeout(this.onsetTimer);
    // Nothing heard any more: the engine must not hold the last level.
    for (const input of ['audio.envelope', 'audio.voiced', 'audio.onset']) this.sendAudio(input, 0, true);
    if (choice) await this.startAudioInput({ device: choice.device ?? undefined, channel: choice.channel });
    this.backend.devicesChanged();
  }

  /** The engine restarted at another rate: an open input opens again at it (its analysis counts in engine frames). */
  async engineRestarted(): Promise<void> {
    const input = this.audioIn;
    if (!input || input.sampleRate === this.backend.engine.sampleRate) return;
    const { device, channel } = input.requested;
    await this.setAudioInput({ device: device ?? null, channel });
  }

  /** The audio input as the drums' ear (drum calibration, heard test strikes), or why it cannot be. */
  drumEar(): DrumEar {
    const input = this.audioIn;
    if (!input) return { ear: null, problem: 'no audio input is chosen' };
    const s = input.status;
    if (s.state !== 'on') return { ear: null, problem: `the audio input ${s.device} is ${s.state}${s.detail ? `: ${s.detail}` : ''}` };
    return { ear: input, name: `${s.device} channel ${s.channel}` };
  }

  devices(): Omit<DevicesState, 'audioOut'> {
    const s = this.midiStatus;
    const joysticks = this.joysticks;
    return {
      audioIn: this.audioIn?.status ?? { state: 'off', device: '', channel: 1, latencyMs: 0, dropped: 0, detail: '' },
      midi: this.midi
        ? {
            state: s.state,
            detail: s.state === 'unavailable' ? s.error.message : s.state === 'available' ? s.backend : '',
            input: this.midiInput ? (this.midiInput.isOpen ? this.midiInput.name : this.midiInput.query) : null,
            inputOpen: this.midiInput?.isOpen ?? false,
            // Our own virtual ports are not inputs to choose.
            ports: this.midi.ports.inputs.filter((n) => !n.includes(this.midi?.virtualName ?? '\0')),
            clockBpm: this.clock.locked ? this.clock.bpm : null,
          }
        : { state: 'off', detail: 'started without MIDI', input: null, inputOpen: false, ports: [], clockBpm: null },
      osc: this.oscState(),
      joysticks: joysticks
        ? joysticks.devices.map((d) => {
            // One read of the file per device (this runs 10 times a second while calibrating).
            const saved = this.storedCalibration(d);
            return {
              id: d.id,
              product: d.product || d.id,
              connected: joysticks.isConnected(d.id),
              calibrated: saved !== undefined,
              axes: Object.entries(this.calibrationOf(d, saved)).map(([key, c]) => ({ key, deadZone: c.deadZone, curve: c.curve, invert: c.invert })),
              calibration: this.calibrations.get(d.id)?.progress ?? null,
            };
          })
        : null,
    };
  }

  private storedCalibration(device: Parameters<JoystickCalibrationStore['get']>[0]) {
    try {
      return this.calibrationStore.get(device);
    } catch {
      // A damaged file is reported where calibrations are applied.
      return undefined;
    }
  }

  /** The device's calibration as applied: saved axes, defaults for the rest. */
  private calibrationOf(device: JoystickDevice, saved = this.storedCalibration(device)): JoystickCalibration {
    return Object.fromEntries(device.layout.axes.map((a) => [a.key, saved?.[a.key] ?? defaultAxisCalibration(a)]));
  }

  private joystick(id: string): JoystickDevice {
    const device = this.joysticks?.devices.find((d) => d.id === id);
    if (!device) throw axonError('joystick_unknown', id);
    return device;
  }

  setJoystickAxis(id: string, axis: string, response: JoystickAxisResponse): void {
    const device = this.joystick(id);
    const calibration = this.calibrationOf(device);
    const old = calibration[axis];
    if (!old) throw axonError('joystick_axis_unknown', device.product || id, axis, Object.keys(calibration).join(', '));
    calibration[axis] = { ...old, ...response };
    this.calibrationStore.save(device, calibration);
    this.joysticks?.setCalibration(id, calibration);
    this.backend.devicesChanged();
  }

  calibrateJoystick(id: string, action: 'start' | 'save' | 'cancel'): string[] {
    const device = this.joystick(id);
    let warnings: string[] = [];
    if (action === 'start') this.calibrations.set(id, new CalibrationSession(device.layout, { previous: this.storedCalibration(device) }));
    else {
      const session = this.calibrations.get(id);
      if (!session) throw axonError('joystick_not_calibrating', id);
      if (action === 'save') {
        const result = session.finish();
        // Saved first: a file that cannot be written leaves the session running to try again.
        this.calibrationStore.save(device, result.calibration);
        this.joysticks?.setCalibration(id, result.calibration);
        warnings = result.warnings.map((w) => w.message);
      }
      this.calibrations.delete(id);
    }
    if (this.calibrations.size > 0 && !this.calibrationTimer) {
      this.calibrationTimer = setInterval(() => {
        const now = performance.now();
        for (const s of this.calibrations.values()) s.tick(now);
        this.backend.devicesChanged();
      }, CALIBRATION_TICK_MS);
    } else if (this.calibrations.size === 0 && this.calibrationTimer) {
      clearInterval(this.calibrationTimer);
      this.calibrationTimer = null;
    }
    this.backend.devicesChanged();
    return warnings;
  }

  private sendReading(r: AnalyserReading): void {
    this.sendAudio('audio.envelope', r.envelope);
    this.sendAudio('audio.voiced', r.voiced ? 1 : 0);
    this.sendAudio('audio.pitch', pitchToUnit(r.pitch));
  }

  private sendAudio(input: string, value: number, always = false): void {
    const last = this.audioSent.get(input);
    if (!always && last !== undefined && Math.abs(value - last) < AUDIO_INPUT_STEP && value !== 0) return;
    if (last === value) return;
    this.audioSent.set(input, value);
    void this.backend.setInput(input, value).catch((e: Error) => this.report(e));
  }

  private startJoysticks(o: JoystickManagerOptions): void {
    const joysticks = new JoystickManager({ calibration: calibrationFromStore(this.calibrationStore, (e) => this.report(e)), ...o });
    this.joysticks = joysticks;
    joysticks.on('problem', (e) => this.report(e));
    joysticks.on('connected', () => this.backend.devicesChanged());
    joysticks.on('disconnected', (_d, e) => {
      this.report(e);
      this.backend.devicesChanged();
    });
    joysticks.on('axes', (v) => this.calibrations.get(v.device.id)?.feed(v.raw, performance.now()));
    const router = new JoystickInputRouter((input, value) => void this.backend.setInput(input, value).catch((e: Error) => this.report(e)));
    this.detachJoysticks = router.attach(joysticks);
    joysticks.start();
  }

  /** Replaces OSC in and out (null: off). A listen port that cannot be bound brings the previous setting back and throws. */
  async setOsc(config: { listen: string | null; targets: string[] } | null): Promise<void> {
    // Parsed first: a typo changes nothing.
    const next = config && { listen: config.listen === null ? null : parseEndpoint(config.listen, OSC_DEFAULT_LISTEN.port), targets: config.targets.map((t) => parseEndpoint(t)) };
    const old = this.oscConfig;
    await this.osc?.close();
    this.osc = null;
    this.oscConfig = null;
    if (next) {
      try {
        await this.startOsc(next);
      } catch (err) {
        if (old) await this.startOsc(old).catch(() => undefined);
        throw err;
      }
    }
    this.backend.devicesChanged();
  }

  private async startOsc(o: { targets: readonly OscEndpoint[]; listen: OscEndpoint | null }): Promise<void> {
    this.osc = await startOscBridge({
      backend: this.backend,
      targets: o.targets,
      listen: o.listen,
      beats: { onBeat: (listener) => this.onBeat(listener) },
      onProblem: (e, suppressed) => this.problem(suppressed > 0 ? new AxonError(e.code, `${e.message} (and ${suppressed} more)`, e.details) : e),
    });
    this.oscConfig = o;
  }

  private onBeat(listener: (beat: number) => void): () => void {
    let count = 0;
    const on = () => listener(++count);
    this.clock.on('beat', on);
    return () => this.clock.off('beat', on);
  }

  private oscState(): DevicesState['osc'] {
    if (!this.osc) return { state: 'off', listening: null, targets: [], packetsIn: 0, packetsOut: 0, errors: 0, lastProblem: null };
    const { listening, targets, packetsIn, packetsOut, errors, lastProblem } = this.osc.status();
    return { state: 'on', listening, targets, packetsIn, packetsOut, errors, lastProblem };
  }

  /** One line per device kind for a status display. */
  status(): string[] {
    const lines: string[] = [];
    if (this.midi) {
      const s = this.midiStatus;
      if (s.state !== 'available') lines.push(s.state === 'unavailable' ? 'midi unavailable' : 'midi off');
      else {
        const input = this.midiInput ? ` in ${this.midiInput.isOpen ? this.midiInput.name : `waiting for "${this.midiInput.query}"`}` : '';
        const tempo = this.clock.locked ? this.clock.bpm : null;
        lines.push(`midi ${s.backend}${input}${tempo !== null ? `, clock ${tempo.toFixed(1)} BPM` : ''}`);
      }
    }
    if (this.joysticks) {
      const joysticks = this.joysticks;
      const on = joysticks.devices.filter((d) => joysticks.isConnected(d.id));
      lines.push(on.length === 0 ? 'joystick none' : `joystick ${on.map((d) => d.product || d.id).join(', ')}`);
    }
    if (this.audioIn) {
      const s = this.audioIn.status;
      const r = this.audioIn.analyser.reading;
      lines.push(
        s.state === 'on'
          ? `audio in ${s.device} ch${s.channel} ${r.levelDb.toFixed(0)} dB${r.voiced ? ` ${r.pitch.toFixed(0)} Hz` : ''}${s.dropped > 0 ? `, ${s.dropped} frames dropped` : ''}`
          : `audio in ${s.state}`,
      );
    }
    if (this.responder) lines.push(`answers ${this.answers}`);
    if (this.osc) {
      const s = this.osc.status();
      lines.push(`osc${s.listening ? ` in ${s.listening}` : ''}${s.targets.length ? ` out ${s.targets.join(',')}` : ''} (${s.packetsIn} in, ${s.packetsOut} out, ${s.errors} errors)`);
    }
    return lines;
  }

  /** Notes off on MIDI out, every device closed. */
  async close(): Promise<void> {
    if (this.clockTimer) clearInterval(this.clockTimer);
    if (this.midiRetryTimer) clearInterval(this.midiRetryTimer);
    if (this.phraseTimer) clearInterval(this.phraseTimer);
    if (this.onsetTimer) clearTimeout(this.onsetTimer);
    if (this.calibrationTimer) clearInterval(this.calibrationTimer);
    this.backend.attachRig(null);
    await this.audioIn?.close();
    for (const t of this.answerTimers) clearTimeout(t);
    this.answerTimers.clear();
    this.backend.off('notice', this.onOut);
    if (this.midiOut) {
      this.midiOut.close();
      // The notes-off must leave before the port closes: JACK sends on its next periods.
      await new Promise((resolve) => setTimeout(resolve, NOTES_OFF_FLUSH_MS));
    }
    this.midi?.stop();
    this.detachJoysticks?.();
    await this.joysticks?.stop();
    await this.osc?.close();
  }
}
