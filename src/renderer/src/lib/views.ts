// The app's views, in tab order. Each has one key that opens it (listed in the help overlay).

export type ViewId = 'perform' | 'drums' | 'reservoir' | 'sinenets' | 'setlist' | 'record';

export interface ViewSpec {
  id: ViewId;
  label: string;
  /** The key (no modifiers) that opens it when no text field has the focus. */
  key: string;
}

export const VIEWS: readonly ViewSpec[] = [
  { id: 'perform', label: 'Perform', key: 'p' },
  { id: 'drums', label: 'Drums', key: 'd' },
  { id: 'setlist', label: 'Set list', key: 's' },
  { id: 'reservoir', label: 'Reservoir', key: 'r' },
  { id: 'sinenets', label: 'Sine nets', key: 'n' },
  // R is taken by Reservoir: O as in recOrd (no key starts or stops a recording: a stray press on stage must not end one).
  { id: 'record', label: 'Record', key: 'o' },
];

export function viewForKey(key: string): ViewId | null {
  return VIEWS.find((v) => v.key === key.toLowerCase())?.id ?? null;
}
