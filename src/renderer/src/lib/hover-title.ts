import { untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';

/**
 * A tooltip for a value that changes every frame. A tooltip shows the title as it stands when
 * the pointer stops over the element, so the title is written when the element appears and as
 * the pointer enters or moves over it, not on every change: each write of a title makes the
 * browser recompute the element's style, and these were written every frame.
 */
export function hoverTitle(text: () => string): Attachment<HTMLElement> {
  return (el) => {
    const write = () => {
      el.title = text();
    };
    untrack(write);
    el.addEventListener('pointerenter', write);
    el.addEventListener('pointermove', write);
    return () => {
      el.removeEventListener('pointerenter', write);
      el.removeEventListener('pointermove', write);
    };
  };
}
