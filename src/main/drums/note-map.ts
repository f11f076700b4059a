import { DRUM_COUNT } from '../../shared/events';

/**
 * General MIDI percussion (channel 10) note -> drum, in the order of the virtual kit
 * (src/worker/drums/virtual-kit.ts): 0 kick, 1 snare, 2 low tom, 3 high tom, 4 closed hat,
 * 5 open hat, 6 rim, 7 clap, 8 floor tom, 9 mid tom, 10 ride, 11 crash, 12 cowbell,
 * 13 wood block, 14 shaker, 15 surdo. Drums 0-3 are the four motors of the first shield.
 */
export const GM_DRUMS: Readonly<Record<number, number>> = Object.freeze({
  35: 0, // acoustic bass drum
  36: 0, // bass drum 1
  37: 6, // side stick
  38: 1, // acoustic snare
  39: 7, // hand clap
  40: 1, // electric snare
  41: 8, // low floor tom
  42: 4, // closed hi-hat
  43: 8, // high floor tom
  44: 4, // pedal hi-hat
  45: 2, // low tom
  46: 5, // open hi-hat
  47: 9, // low-mid tom
  48: 3, // hi-mid tom
  49: 11, // crash cymbal 1
  50: 3, // high tom
  51: 10, // ride cymbal 1
  52: 11, // Chinese cymbal
  53: 10, // ride bell
  55: 11, // splash cymbal
  56: 12, // cowbell
  57: 11, // crash cymbal 2
  59: 10, // ride cymbal 2
  64: 15, // low conga
  69: 14, // cabasa
  70: 14, // maracas
  75: 6, // claves
  76: 13, // hi wood block
  77: 13, // low wood block
  82: 14, // shaker
});

/** The drum a note plays: the profile's own mapping first, then General MIDI; null for none. */
export function drumForNote(note: number, overrides: Readonly<Record<number, number>> = {}): number | null {
  const drum = overrides[note] ?? GM_DRUMS[note];
  return drum !== undefined && drum >= 0 && drum < DRUM_COUNT ? drum : null;
}
