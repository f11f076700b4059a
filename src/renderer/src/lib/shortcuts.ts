import { VIEWS } from './views';

// Every keyboard shortcut, once: the key handler and the help overlay both read this list.

export interface Shortcut {
  /** What to press, as the help overlay shows it. */
  keys: string;
  does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Esc', does: 'Panic: notes off, drum motors released, sound ramped down (click Resume to play again)' },
  { keys: '1 … 9', does: 'Play scene 1 to 9 of the set list' },
  { keys: 'Page Down  ]', does: 'Next scene (a page-turner pedal sends Page Down)' },
  { keys: 'Page Up  [', does: 'Previous scene' },
  ...VIEWS.map((v) => ({ keys: v.key.toUpperCase(), does: `Open ${v.label}` })),
  { keys: 'T', does: 'Stage theme: larger, brighter, for reading at a distance' },
  { keys: '?', does: 'This list' },
];
