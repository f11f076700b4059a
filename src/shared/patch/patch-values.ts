import type { PatchLayout } from './layout';
import type { Patch } from './schema';

// The inverse of layoutPatch for values: a patch as it plays now, with every parameter moved
// since it loaded (a dragged weight, a turned knob, a mapping's range) written back into the
// place of the patch file it came from. What "Save patch" writes.

type Fields = Record<string, unknown>;

/** The patch with `values` (parameter id -> value) folded in; parameters left at their initial value stay as written. */
export function patchWithValues(layout: PatchLayout, values: ReadonlyMap<string, number>): Patch {
  const moved = (slot: number): number | undefined => {
    if (slot < 0) return undefined;
    const p = layout.params[slot];
    const v = values.get(p.id);
    return v === undefined || v === p.initial ? undefined : v;
  };
  /** Copies `fields` with each moved slot's value set under its key. */
  const fold = <T extends object>(fields: T | undefined, slots: Readonly<Record<string, number>>): T | undefined => {
    let out: Fields | undefined;
    for (const [key, slot] of Object.entries(slots)) {
      const v = moved(slot);
      if (v === undefined) continue;
      out ??= { ...(fields as Fields | undefined) };
      out[key] = v;
    }
    return (out as T | undefined) ?? fields;
  };

  const patch = layout.patch;
  const out: Patch = { ...patch };
  if (patch.sources) out.sources = patch.sources.map((s, i) => fold(s, layout.sources[i].slots) ?? s);
  out.neurons = patch.neurons.map((n, i) => {
    const l = layout.neurons[i];
    const neuron = fold(n, l.slots) ?? n;
    let inputs = n.inputs;
    for (const w of l.weights) {
      const from = layout.columnIds[w.column];
      const weight = moved(w.slot);
      const rate = moved(w.rateSlot);
      const depth = moved(w.depthSlot);
      if (weight === undefined && rate === undefined && depth === undefined) continue;
      inputs = { ...inputs };
      const old = inputs[from];
      if (typeof old === 'object') {
        const automation = old.automation && { ...old.automation, ...(rate !== undefined && { rate }), ...(depth !== undefined && { depth }) };
        inputs[from] = { weight: weight ?? old.weight, ...(automation && { automation }) };
      } else if (weight !== undefined) {
        inputs[from] = weight;
      }
    }
    return inputs === n.inputs ? neuron : { ...neuron, inputs };
  });
  const voice = fold(patch.voice, layout.voice);
  if (voice) out.voice = voice;
  const reverb = fold(patch.reverb, layout.reverb);
  if (reverb) out.reverb = reverb;
  const master = fold(patch.master, layout.master);
  if (master) out.master = master;
  if (patch.routes) out.routes = patch.routes.map((r, i) => fold(r, { amount: layout.routes[i].amountSlot }) ?? r);
  if (patch.midi) out.midi = patch.midi.map((m, i) => fold(m, layout.midi[i].slots) ?? m);
  if (patch.drums) out.drums = patch.drums.map((d, i) => fold(d, layout.drums[i].slots) ?? d);
  if (patch.mappings) {
    out.mappings = patch.mappings.map((m, i) => {
      const l = layout.mappings[i];
      const mapping = fold(m, { min: l.minSlot, max: l.maxSlot, curve: l.curveSlot, smoothing: l.smoothingSlot }) ?? m;
      const rate = moved(l.rateSlot);
      return m.lfo && rate !== undefined ? { ...mapping, lfo: { ...m.lfo, rate } } : mapping;
    });
  }
  return out;
}
