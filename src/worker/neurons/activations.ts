import { ACTIVATIONS, type Activation } from '../../shared/patch/schema';

// Activation functions, by code (the network's inner loop switches on the code).

export const ACT_TANH = 0;
export const ACT_SIGMOID = 1;
export const ACT_RELU = 2;
export const ACT_SINE = 3;
export const ACT_HARDCLIP = 4;
export const ACT_COMPARATOR = 5;
export const ACT_NLC = 6;

export const activationCode = (a: Activation): number => ACTIVATIONS.indexOf(a);

/** The NLC neuron works on a 5 V scale: 1.0 in the engine is 5 V on the module. */
export const NLC_VOLTS = 5;

/**
 * NLC neuron (Nonlinear Circuits, as modelled in the VCV port): the summed input plus `sense`
 * is rectified into 0..10 V, then a comparator subtracts `response` while the sum is positive
 * (and adds it back at zero), in volts. Input and output are engine units.
 */
export function nlc(u: number, sense: number, response: number): number {
  let r = u * NLC_VOLTS + sense;
  r = r < 0 ? 0 : r > 10 ? 10 : r;
  return (r > 0 ? r - response : response) * (1 / NLC_VOLTS);
}

/** tanh(x) beyond which the approximation below is exactly +-1 (where it reaches 1). */
const TANH_EDGE = 4.971786858527683;

/**
 * tanh by Lambert's continued fraction (a [7/6] rational), clamped where it reaches +-1: within
 * 1e-4 of Math.tanh, continuous, odd, and several times faster (the network calls it per neuron
 * per sample).
 */
export function fastTanh(x: number): number {
  if (x >= TANH_EDGE) return 1;
  if (x <= -TANH_EDGE) return -1;
  const x2 = x * x;
  return (x * (135135 + x2 * (17325 + x2 * (378 + x2)))) / (135135 + x2 * (62370 + x2 * (3150 + x2 * 28)));
}

/** Stateless activations (the comparator needs its gate state; see `comparator`). */
export function activate(code: number, u: number, sense = 0, response = 1): number {
  switch (code) {
    case ACT_TANH:
      return fastTanh(u);
    case ACT_SIGMOID:
      return 0.5 + 0.5 * fastTanh(0.5 * u);
    case ACT_RELU:
      return u > 0 ? u : 0;
    case ACT_SINE:
      return Math.sin(u);
    case ACT_HARDCLIP:
      return u > 1 ? 1 : u < -1 ? -1 : u;
    case ACT_NLC:
      return nlc(u, sense, response);
    default:
      return 0;
  }
}

/** Comparator with hysteresis: returns the new gate (0 or 1). */
export function comparator(gate: number, u: number, threshold: number, hysteresis: number): number {
  const half = hysteresis * 0.5;
  if (gate === 0) return u > threshold + half ? 1 : 0;
  return u < threshold - half ? 0 : 1;
}

/**
 * Slope of an activation for learning, given its input u and output a. Flat regions report a
 * small leak instead of 0 so a saturated learner can still find its way back.
 */
export function slope(code: number, u: number, a: number, sense = 0): number {
  switch (code) {
    case ACT_TANH:
      return 1 - a * a + 1e-3;
    case ACT_SIGMOID:
      return a * (1 - a) + 1e-3;
    case ACT_RELU:
      return u > 0 ? 1 : 0.01;
    case ACT_SINE:
      return Math.cos(u);
    case ACT_HARDCLIP:
      return u > -1 && u < 1 ? 1 : 0.01;
    case ACT_NLC: {
      const r = u * NLC_VOLTS + sense;
      return r > 0 && r < 10 ? 1 : 0.01;
    }
    default:
      return 0;
  }
}
