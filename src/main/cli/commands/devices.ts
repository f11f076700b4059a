import type { AudioDevices } from '../../../shared/api';
import type { AxonError } from '../../../shared/errors';
import { listAudioDevices } from '../../audio-devices';
import { findDrumPorts } from '../../drums/link/discovery';
import { listNodeHidDevices, type HidDeviceInfo } from '../../hid/hid-backend';
import { isJoystickCandidate } from '../../hid/joystick-manager';
import { MidiPorts, type MidiPortList, type MidiStatus } from '../../midi/midi-ports';
import { parseFlags } from '../args';
import { stdio, type Command } from '../command';

interface DeviceReport {
  audio: AudioDevices;
  midi: { status: string; inputs: string[]; outputs: string[] };
  joysticks: { status: string; devices: { path: string; id: string; product: string; manufacturer: string }[] };
  drumBoards: { status: string; ports: { path: string; kind: string }[] };
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

async function joysticks(): Promise<DeviceReport['joysticks']> {
  let list: readonly HidDeviceInfo[];
  try {
    list = await listNodeHidDevices();
  } catch (err) {
    return { status: (err as AxonError).message, devices: [] };
  }
  const devices = list.filter(isJoystickCandidate).map((d) => ({
    path: d.path,
    id: `${hex4(d.vendorId)}:${hex4(d.productId)}${d.serialNumber ? `:${d.serialNumber}` : ''}`,
    product: d.product ?? '',
    manufacturer: d.manufacturer ?? '',
  }));
  return { status: 'ok', devices };
}

function midi(): DeviceReport['midi'] {
  const ports = new MidiPorts();
  ports.start();
  const s: MidiStatus = ports.status;
  const lists: MidiPortList = ports.ports;
  ports.stop();
  return { status: s.state === 'unavailable' ? s.error.message : 'ok', inputs: lists.inputs, outputs: lists.outputs };
}

export const devices: Command = {
  name: 'devices',
  summary: 'list the audio devices, MIDI ports, USB joysticks and drum boards this machine has',
  usage: 'axon devices [--json]',
  async run(argv) {
    const { values } = parseFlags(argv, { json: { type: 'boolean' } }, { min: 0, max: 0, names: '' });
    const boards = await findDrumPorts();
    const report: DeviceReport = {
      audio: listAudioDevices(),
      midi: midi(),
      joysticks: await joysticks(),
      drumBoards: { status: boards.error ? boards.error.message : 'ok', ports: boards.ports.map((p) => ({ path: p.path, kind: p.kind })) },
    };
    if (values.json) {
      stdio.out(JSON.stringify(report));
      return 0;
    }
    const section = (title: string, status: string, lines: string[]) => {
      stdio.out(`${title}:${status === 'ok' ? '' : ` ${status}`}`);
      if (status === 'ok' && lines.length === 0) stdio.out('  none');
      for (const l of lines) stdio.out(`  ${l}`);
    };
    const audio = (d: AudioDevices['inputs']['devices'][number]) => `${d.name}  [${d.host}, ${d.channels} ch${d.isDefault ? ', default' : ''}]`;
    for (const o of report.audio.outputs) section(`Audio outputs (${o.backend})`, o.problem ?? 'ok', o.devices.map(audio));
    section('Audio inputs (audify)', report.audio.inputs.problem ?? 'ok', report.audio.inputs.devices.map(audio));
    if (report.midi.status !== 'ok') section('MIDI', report.midi.status, []);
    else {
      section('MIDI inputs', 'ok', report.midi.inputs);
      section('MIDI outputs', 'ok', report.midi.outputs);
    }
    section(
      'Joysticks',
      report.joysticks.status,
      report.joysticks.devices.map((d) => `${d.path}  ${d.id}  ${[d.manufacturer, d.product].filter(Boolean).join(' ')}`),
    );
    section('Drum boards', report.drumBoards.status, report.drumBoards.ports.map((p) => `${p.path}  ${p.kind}`));
    return 0;
  },
};
