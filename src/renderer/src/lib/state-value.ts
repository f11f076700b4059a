import type { Attachment } from 'svelte/attachments';

/**
 * Shows a value the backend owns in an input the performer types into: `{@attach stateValue(v)}`
 * in place of `value={v}`. The value follows the state, except while the input has the focus:
 * a notice arriving between typing and Enter used to put the old value back, and Enter then sent
 * nothing (the field looked unchanged). On blur the input shows the state again, so a refused
 * entry does not stay on screen.
 */
export function stateValue(value: number | string): Attachment<HTMLInputElement> {
  return (input) => {
    const show = () => {
      input.value = String(value);
    };
    if (input.ownerDocument.activeElement !== input) show();
    input.addEventListener('blur', show);
    return () => input.removeEventListener('blur', show);
  };
}
