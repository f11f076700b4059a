import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import EventList from '../../../src/renderer/src/components/EventList.svelte';
import { describeEvent, type EventLine } from '../../../src/renderer/src/lib/format';
import type { OutEvent } from '../../../src/shared/events';

const RATE = 48000;

/** The list's lines as App makes them from output events: described, keyed, newest first. */
function lines(events: OutEvent[]): (EventLine & { key: number })[] {
  return events
    .map((e, key) => ({ line: describeEvent(e, RATE), key }))
    .filter((x): x is { line: EventLine; key: number } => x.line !== null)
    .map(({ line, key }) => ({ ...line, key }))
    .reverse();
}

const items = () => within(screen.getByTestId('event-list')).getAllByRole('listitem');

describe('EventList', () => {
  it('says nothing has happened yet when empty', () => {
    render(EventList, { props: { events: [] } });
    expect(items().map((li) => li.textContent)).toEqual(['No notes, drum hits or NaN recoveries yet.']);
  });

  it('shows each note, drum hit and NaN recovery with its engine time, newest first', () => {
    // `events` is also a mount option, so the props go under `props`.
    render(EventList, {
      props: {
        events: lines([
        { frame: 48000, type: 'noteOn', channel: 1, note: 60, velocity: 100 },
        { frame: 3 * 48000 + 24000, type: 'drum', drum: 2, velocity: 90 },
          { frame: 65 * 48000, type: 'nan', module: 'neurons', count: 3 },
        ]),
      },
    });
    const shown = items().map((li) => [li.className.split(' ').find((c) => c === 'note' || c === 'drum' || c === 'nan'), li.querySelector('.time')?.textContent, li.querySelector('.text')?.textContent]);
    expect(shown).toEqual([
      ['nan', '1:05.0', 'NaN recovered in neurons (3 total)'],
      ['drum', '0:03.5', 'Drum 2 vel 90'],
      ['note', '0:01.0', 'Note C4 vel 100 ch 1'],
    ]);
  });

  it('puts a new event on top and keeps the others', async () => {
    const first: OutEvent[] = [{ frame: 0, type: 'drum', drum: 0, velocity: 127 }];
    const view = render(EventList, { props: { events: lines(first) } });
    await view.rerender({ events: lines([...first, { frame: 4800, type: 'noteOn', channel: 2, note: 69, velocity: 64 }]) });
    expect(items().map((li) => li.querySelector('.text')?.textContent)).toEqual(['Note A4 vel 64 ch 2', 'Drum 0 vel 127']);
  });
});
