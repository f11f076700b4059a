import type { ParamSpec } from './spec';

// Every engine parameter, declared once. A module kind lists its parameters; an instance's
// parameter id is `<path>.<key>` (e.g. `neurons.a.bias`, `voice.cutoff`, `neurons.a.w.x`).

const p = (s: ParamSpec): ParamSpec => Object.freeze(s);

export const NEURON_PARAMS = {
  bias: p({ label: 'Bias', unit: '', min: -4, max: 4, default: 0, scaling: 'linear', smoothing: 20, description: 'Constant added to the weighted sum before the activation.' }),
  inputGain: p({ label: 'Input gain', unit: '', min: 0, max: 8, default: 1, scaling: 'linear', smoothing: 20, description: 'Multiplies the weighted sum of inputs and feedback (not the bias) before the activation.' }),
  outputGain: p({ label: 'Output gain', unit: '', min: -4, max: 4, default: 1, scaling: 'linear', smoothing: 20, description: 'Multiplies the activation output; negative values invert it.' }),
  noise: p({ label: 'Noise', unit: '', min: 0, max: 1, default: 0, scaling: 'linear', smoothing: 20, description: 'Peak level of seeded white noise added to the weighted sum.' }),
  leak: p({ label: 'Leak', unit: 'Hz', min: 0.1, max: 20000, default: 20000, scaling: 'log', smoothing: 20, description: 'Corner of the leaky integrator on the output (y += g (f(s) - y), g = min(1, 2 pi leak / rate)); at the top of the range the neuron follows its input every sample.' }),
  threshold: p({ label: 'Threshold', unit: '', min: -2, max: 2, default: 0, scaling: 'linear', smoothing: 0, description: 'Comparator: the gate opens above threshold + hysteresis/2 and closes below threshold - hysteresis/2.' }),
  hysteresis: p({ label: 'Hysteresis', unit: '', min: 0, max: 2, default: 0.1, scaling: 'linear', smoothing: 0, description: 'Comparator: width of the dead band around the threshold.' }),
  sense: p({ label: 'Sense', unit: 'V', min: 0, max: 5, default: 0, scaling: 'linear', smoothing: 20, description: 'NLC neuron: offset added to the summed input on the module\'s 5 V scale (1.0 = 5 V).' }),
  response: p({ label: 'Response', unit: 'V', min: 1, max: 10, default: 1, scaling: 'linear', smoothing: 20, description: 'NLC neuron: level the comparator subtracts from the rectified sum.' }),
  learnRate: p({ label: 'Learning rate', unit: '', min: 0.00001, max: 1, default: 0.01, scaling: 'log', smoothing: 0, description: 'Learning neuron: normalised LMS step size per sample.' }),
} as const;

export const WEIGHT_PARAMS = {
  value: p({ label: 'Weight', unit: '', min: -4, max: 4, default: 0, scaling: 'linear', smoothing: 20, description: 'Gain of one connection into a neuron.' }),
  lfoRate: p({ label: 'Automation rate', unit: 'Hz', min: 0.01, max: 20, default: 0.2, scaling: 'log', smoothing: 20, description: 'Speed of the weight\'s automation (LFO or random walk).' }),
  lfoDepth: p({ label: 'Automation depth', unit: '', min: 0, max: 4, default: 0, scaling: 'linear', smoothing: 20, description: 'Peak deviation the automation adds to the weight.' }),
} as const;

export const OSCILLATOR_PARAMS = {
  freq: p({ label: 'Frequency', unit: 'Hz', min: 0.01, max: 20000, default: 220, scaling: 'log', smoothing: 5, description: 'Oscillator frequency (sub-audio values make an LFO).' }),
  level: p({ label: 'Level', unit: '', min: 0, max: 2, default: 1, scaling: 'linear', smoothing: 10, description: 'Output level.' }),
  width: p({ label: 'Pulse width', unit: '', min: 0.01, max: 0.99, default: 0.5, scaling: 'linear', smoothing: 10, description: 'Duty cycle of the pulse shape.' }),
} as const;

export const SEQUENCE_PARAMS = {
  rate: p({ label: 'Step rate', unit: 'steps/s', min: 0.1, max: 50, default: 4, scaling: 'log', smoothing: 20, description: 'Steps per second of the sequenced sine.' }),
  glide: p({ label: 'Glide', unit: 's', min: 0, max: 1, default: 0.005, scaling: 'linear', smoothing: 0, description: 'Portamento time between steps.' }),
  level: OSCILLATOR_PARAMS.level,
} as const;

export const CHAOS_PARAMS = {
  freq: p({ label: 'Centre frequency', unit: 'Hz', min: 0.1, max: 5000, default: 110, scaling: 'log', smoothing: 5, description: 'Centre frequency of the chaotically modulated triangle.' }),
  depth: p({ label: 'Chaos depth', unit: '', min: 0, max: 4, default: 1, scaling: 'linear', smoothing: 20, description: 'Frequency modulation depth in octaves, driven by a Lorenz attractor.' }),
  speed: p({ label: 'Chaos speed', unit: '', min: 0.01, max: 50, default: 1, scaling: 'log', smoothing: 20, description: 'Time scale of the Lorenz attractor (1 = about one lobe change per second).' }),
  level: OSCILLATOR_PARAMS.level,
} as const;

export const INPUT_SOURCE_PARAMS = {
  smoothing: p({ label: 'Smoothing', unit: 'ms', min: 0, max: 2000, default: 15, scaling: 'linear', smoothing: 0, description: 'Time constant of the one-pole filter on a control input (removes zipper noise from joystick and MIDI steps).' }),
  scale: p({ label: 'Scale', unit: '', min: -8, max: 8, default: 1, scaling: 'linear', smoothing: 10, description: 'Multiplies the control input.' }),
} as const;

export const RESERVOIR_PARAMS = {
  speed: p({ label: 'Speed', unit: '', min: -4, max: 4, default: 1, scaling: 'linear', smoothing: 20, description: 'Pace through the grain sequence: 1 plays each grain for its own length, 2 twice as fast, negative values go backwards, 0 holds the current grain.' }),
  leak: p({ label: 'Leak', unit: '', min: 0.25, max: 2, default: 1, scaling: 'log', smoothing: 20, description: 'Multiplies the model\'s leak rate (the result is clamped to 1): lower is slower, darker and lower in pitch.' }),
  radius: p({ label: 'Radius', unit: '', min: 0.5, max: 1.5, default: 1, scaling: 'linear', smoothing: 20, description: 'Scales the recurrent weights (the spectral radius): below 1 the pattern fades toward rest, above 1 it grows rough and chaotic.' }),
  gain: p({ label: 'Drive', unit: '', min: 0.1, max: 8, default: 1, scaling: 'log', smoothing: 20, description: 'Readout gain before the soft limiter: above 1 it saturates.' }),
  morph: p({ label: 'Morph', unit: '', min: 0, max: 1, default: 0, scaling: 'linear', smoothing: 20, description: 'Crossfade of conceptors from the grain sequence (0) to the morph set (1).' }),
  position: p({ label: 'Morph position', unit: '', min: 0, max: 1, default: 0, scaling: 'linear', smoothing: 20, description: 'Place along the morph set: 0 its first conceptor, 1 its last; in between, neighbours are blended linearly.' }),
  level: OSCILLATOR_PARAMS.level,
} as const;

export const SINENET_PARAMS = {
  drift: p({ label: 'Drift', unit: '', min: 0, max: 4, default: 0, scaling: 'linear', smoothing: 50, description: 'Random walk of the weights and biases while playing ("adjusting"), in fractions of their range per second (RMS after one second); 0 keeps the network as seeded.' }),
  level: OSCILLATOR_PARAMS.level,
} as const;

export const VOICE_PARAMS = {
  pitch: p({ label: 'Pitch', unit: 'Hz', min: 20, max: 5000, default: 110, scaling: 'log', smoothing: 5, description: 'Frequency of the voice oscillator.' }),
  morph: p({ label: 'Waveform', unit: '', min: 0, max: 3, default: 0, scaling: 'linear', smoothing: 5, description: 'Continuous waveform morph: 0 sine, 1 triangle, 2 saw, 3 square.' }),
  osc: p({ label: 'Oscillator level', unit: '', min: 0, max: 1, default: 1, scaling: 'linear', smoothing: 10, description: 'Level of the voice oscillator into the filter (routes to voice.input add audio).' }),
  cutoff: p({ label: 'Cutoff', unit: 'Hz', min: 20, max: 20000, default: 2000, scaling: 'log', smoothing: 5, description: 'Low-pass cutoff of the zero-delay-feedback state-variable filter.' }),
  resonance: p({ label: 'Resonance', unit: '', min: 0, max: 1, default: 0.1, scaling: 'linear', smoothing: 5, description: 'Filter resonance: Q = 0.5 * 50^resonance.' }),
  level: p({ label: 'Level', unit: '', min: 0, max: 1, default: 0.5, scaling: 'linear', smoothing: 10, description: 'Voice amplitude.' }),
} as const;

export const REVERB_PARAMS = {
  decay: p({ label: 'Decay', unit: 's', min: 0.2, max: 10, default: 2, scaling: 'log', smoothing: 50, description: 'Reverb time (RT60) of the spring.' }),
  tone: p({ label: 'Tone', unit: 'Hz', min: 500, max: 12000, default: 4000, scaling: 'log', smoothing: 50, description: 'Damping low-pass inside the spring loop.' }),
  dispersion: p({ label: 'Dispersion', unit: '', min: 0, max: 1, default: 0.6, scaling: 'linear', smoothing: 50, description: 'Amount of spring "chirp" (allpass dispersion).' }),
  send: p({ label: 'Send', unit: '', min: 0, max: 1, default: 0.5, scaling: 'linear', smoothing: 10, description: 'Level of the voice into the reverb.' }),
  mix: p({ label: 'Return', unit: '', min: 0, max: 1, default: 0.3, scaling: 'linear', smoothing: 10, description: 'Level of the reverb in the master mix.' }),
} as const;

export const MASTER_PARAMS = {
  gain: p({ label: 'Master gain', unit: 'dB', min: -60, max: 12, default: 0, scaling: 'linear', smoothing: 20, description: 'Gain before the DC blocker and limiter.' }),
  ceiling: p({ label: 'Ceiling', unit: 'dB', min: -20, max: 0, default: -0.3, scaling: 'linear', smoothing: 0, description: 'Brickwall limiter ceiling; no sample leaves above it.' }),
} as const;

export const ROUTE_PARAMS = {
  amount: p({ label: 'Amount', unit: '', min: -4, max: 4, default: 1, scaling: 'linear', smoothing: 10, description: 'For a parameter target, the fraction of its range added per unit of the source; for an audio target (voice.input, reverb.input, master), the gain.' }),
} as const;

export const NOTE_OUT_PARAMS = {
  threshold: p({ label: 'Threshold', unit: '', min: -2, max: 2, default: 0.5, scaling: 'linear', smoothing: 0, description: 'The gate signal fires a note when it rises above threshold + hysteresis/2.' }),
  hysteresis: p({ label: 'Hysteresis', unit: '', min: 0, max: 2, default: 0.1, scaling: 'linear', smoothing: 0, description: 'Dead band of the note comparator.' }),
  root: p({ label: 'Root', unit: 'note', min: 0, max: 127, default: 48, scaling: 'linear', smoothing: 0, integer: true, description: 'Lowest note: a pitch signal of -1 plays here, +1 plays root + span.' }),
  span: p({ label: 'Span', unit: 'semitones', min: 0, max: 60, default: 24, scaling: 'linear', smoothing: 0, integer: true, description: 'Range covered as the pitch signal goes from -1 to 1 (quantised to the scale).' }),
  velocity: p({ label: 'Velocity', unit: 'velocity', min: 1, max: 127, default: 100, scaling: 'linear', smoothing: 0, integer: true, description: 'Velocity when no velocity signal is given (otherwise 1 + 126 |signal|).' }),
  channel: p({ label: 'Channel', unit: 'channel', min: 1, max: 16, default: 1, scaling: 'linear', smoothing: 0, integer: true, description: 'MIDI channel.' }),
} as const;

export const CC_OUT_PARAMS = {
  cc: p({ label: 'Controller', unit: 'index', min: 0, max: 127, default: 74, scaling: 'linear', smoothing: 0, integer: true, description: 'MIDI controller number.' }),
  channel: NOTE_OUT_PARAMS.channel,
  rate: p({ label: 'Max rate', unit: 'Hz', min: 1, max: 500, default: 60, scaling: 'log', smoothing: 0, description: 'At most this many CC messages per second (only changed values are sent).' }),
} as const;

export const DRUM_OUT_PARAMS = {
  drum: p({ label: 'Drum', unit: 'index', min: 0, max: 15, default: 0, scaling: 'linear', smoothing: 0, integer: true, description: 'Drum number on the drum bridge.' }),
  threshold: NOTE_OUT_PARAMS.threshold,
  hysteresis: NOTE_OUT_PARAMS.hysteresis,
  velocity: NOTE_OUT_PARAMS.velocity,
} as const;

/**
 * A mapping's own settings (`mappings.<index>.<param>`). Its `min` and `max` are in the
 * destination's units and take the destination's spec, so they are not declared here.
 */
export const MAPPING_PARAMS = {
  curve: p({ label: 'Curve', unit: '', min: 0.1, max: 10, default: 1, scaling: 'log', smoothing: 0, description: 'Exponent applied to the source position (0..1, after invert): 1 is straight, above 1 gives fine control near `min`, below 1 near `max`.' }),
  smoothing: p({ label: 'Smoothing', unit: 'ms', min: 0, max: 10000, default: 20, scaling: 'linear', smoothing: 0, description: 'Time constant of the one-pole that follows the source position (0 = steps once per 32-sample chunk, ramped across it).' }),
  rate: p({ label: 'LFO rate', unit: 'Hz', min: 0.01, max: 50, default: 1, scaling: 'log', smoothing: 20, description: 'Cycles per second of a mapping\'s own LFO (`"from": "lfo"`).' }),
} as const;

/** A joystick axis's response (kept per device in joysticks.json, not in patches). */
export const JOYSTICK_AXIS_PARAMS = {
  deadZone: p({ label: 'Dead zone', unit: '', min: 0, max: 0.9, default: 0.04, scaling: 'linear', smoothing: 0, description: 'Fraction of each half of a centred axis that reads as rest (a unipolar axis: of its low end).' }),
  curve: p({ label: 'Curve', unit: '', min: 0.2, max: 5, default: 1, scaling: 'log', smoothing: 0, description: 'Response exponent after the dead zone: 1 is straight, 2 to 3 gives fine control near the centre.' }),
} as const;

/** Every module kind with its parameters, in documentation order. */
export const PARAM_GROUPS = {
  neuron: { title: 'Neuron (`neurons.<id>.<param>`)', params: NEURON_PARAMS },
  weight: { title: 'Weight (`neurons.<to>.w.<from>`, automation `neurons.<to>.w.<from>.lfoRate` / `.lfoDepth`)', params: WEIGHT_PARAMS },
  oscillator: { title: 'Oscillator source (`sources.<id>.<param>`)', params: OSCILLATOR_PARAMS },
  sequence: { title: 'Sequenced sine source (`sources.<id>.<param>`)', params: SEQUENCE_PARAMS },
  chaos: { title: 'Chaotic triangle source (`sources.<id>.<param>`)', params: CHAOS_PARAMS },
  input: { title: 'Control input source (`sources.<id>.<param>`)', params: INPUT_SOURCE_PARAMS },
  reservoir: { title: 'Conceptor reservoir source (`sources.<id>.<param>`)', params: RESERVOIR_PARAMS },
  sinenet: { title: 'Sine network source (`sources.<id>.<param>`)', params: SINENET_PARAMS },
  voice: { title: 'Synth voice (`voice.<param>`)', params: VOICE_PARAMS },
  reverb: { title: 'Spring reverb (`reverb.<param>`)', params: REVERB_PARAMS },
  master: { title: 'Master (`master.<param>`)', params: MASTER_PARAMS },
  route: { title: 'Route (`routes.<index>.<param>`)', params: ROUTE_PARAMS },
  mapping: { title: 'Mapping (`mappings.<index>.<param>`; `.min` / `.max` take the destination\'s spec)', params: MAPPING_PARAMS },
  note: { title: 'MIDI note output (`midi.<index>.<param>`)', params: NOTE_OUT_PARAMS },
  cc: { title: 'MIDI CC output (`midi.<index>.<param>`)', params: CC_OUT_PARAMS },
  drum: { title: 'Drum trigger output (`drums.<index>.<param>`)', params: DRUM_OUT_PARAMS },
} as const satisfies Record<string, { title: string; params: Record<string, ParamSpec> }>;

export type ParamGroupName = keyof typeof PARAM_GROUPS;
