import type { SineNetSound } from '../../../shared/api';
import { SINENET_VERDICTS, sineNetLags, type SineNetDesign, type SineNetVerdict } from '../../../shared/sinenet-design';

// The Sine nets view's logic, apart from the DOM: what a design and a verdict say to people, and
// the performer's keep / discard choices.

export type Choice = 'keep' | 'discard';

/** Why the judge set a sound aside, in words. */
export const VERDICT_TEXT: Record<SineNetVerdict, string> = {
  keep: 'kept by the judge',
  silent: 'silent',
  dc: 'only an offset',
  stuck: 'settles to stillness',
  noise: 'steady hiss',
};

const range = (lo: number, hi: number) => (lo === -hi ? `±${hi}` : `${lo}..${hi}`);

/** "8 in · lags 16–2048 · hidden 16·16 · w ±0.75 · b ±1". */
export function describeDesign(d: SineNetDesign): string {
  const lags = sineNetLags(d);
  const lagText = lags.length === 1 ? `lag ${lags[0]}` : `lags ${lags[0]}–${lags[lags.length - 1]}`;
  const hidden = d.hidden.length === 0 ? 'no hidden layer' : `hidden ${d.hidden.join('·')}`;
  return `${d.length} in · ${lagText} · ${hidden} · w ${range(d.weightMin, d.weightMax)} · b ${range(d.biasMin, d.biasMax)}`;
}

/** An RMS level as dBFS with one decimal, fixed width. */
export function levelDb(rms: number): string {
  if (!(rms > 0)) return `${'−∞'.padStart(5, ' ')} dB`;
  return `${(20 * Math.log10(rms)).toFixed(1).replace('-', '−').padStart(5, ' ')} dB`;
}

/** Sets a sound's choice; choosing what it already has clears it. */
export function choose(choices: Readonly<Record<number, Choice>>, index: number, choice: Choice): Record<number, Choice> {
  const next = { ...choices };
  if (next[index] === choice) delete next[index];
  else next[index] = choice;
  return next;
}

/** The sounds the performer keeps that have audio (judged "keep"), in batch order. */
export function keptForPack(sounds: readonly SineNetSound[], choices: Readonly<Record<number, Choice>>): number[] {
  return sounds.filter((s) => s.verdict === 'keep' && choices[s.index] === 'keep').map((s) => s.index);
}

/** "noise 3, dc 1": what the judge set aside, by reason, in the judge's order. */
export function rejectedSummary(sounds: readonly SineNetSound[]): string {
  const parts = SINENET_VERDICTS.filter((v) => v !== 'keep')
    .map((v) => [v, sounds.filter((s) => s.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${v} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** A byte count for people: "820 kB", "3.4 MB". */
export function sizeText(bytes: number): string {
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
