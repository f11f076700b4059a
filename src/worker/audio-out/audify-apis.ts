import { createRequire } from 'node:module';
import type * as Audify from 'audify';
import { CHANNELS } from '../../shared/engine-memory';
import { axonError } from '../../shared/errors';
import type { AudioDevice } from './audio-sink';

// What the audify output sink (engine worker) and the audio input (main) share: loading the
// addon, the host APIs in order of preference, and finding a device by name.

// audify's enums are ambient `const enum`s, which isolatedModules cannot read: the values of
// RtAudio 6 (RtAudioApi, RtAudioFormat, RtAudioErrorType) are repeated here.
export const FLOAT32 = 0x10;
/** RTAUDIO_SCHEDULE_REALTIME: ALSA/Pulse callback threads ask for SCHED_RR (JACK has its own; without the privilege RtAudio goes on unscheduled). */
export const SCHEDULE_REALTIME = 0x8;
const ERROR_WARNING = 0;
const ERROR_DEBUG_WARNING = 1;

/**
 * audify keeps ONE error callback for the whole process (a global thread-safe function, replaced
 * by every openStream): errors of any RtAudio object, in any thread, reach the stream opened
 * last. Probing the host APIs reports "no compiled support" for each one missing, so an open
 * stream hears it whenever anything lists devices. An error is therefore only remembered as a
 * possible reason; a stream counts as failed when it stops or stalls.
 */
export function errorReason(type: number, message: string): string | null {
  return type === ERROR_WARNING || type === ERROR_DEBUG_WARNING ? null : message;
}

/** The host APIs we look at, by the keyword a device name may use, in order of preference. */
const HOST_APIS: readonly { keyword: string; api: number; display: string }[] =
  process.platform === 'darwin'
    ? [
        { keyword: 'jack', api: 3, display: 'Jack' },
        { keyword: 'core', api: 1, display: 'CoreAudio' },
      ]
    : process.platform === 'win32'
      ? [
          { keyword: 'asio', api: 6, display: 'ASIO' },
          { keyword: 'wasapi', api: 7, display: 'WASAPI' },
          { keyword: 'ds', api: 8, display: 'DirectSound' },
        ]
      : [
          // Native JACK first: when a server runs, it is the device (not ALSA's jack plugin).
          { keyword: 'jack', api: 3, display: 'Jack' },
          { keyword: 'pulse', api: 4, display: 'Pulse' },
          { keyword: 'alsa', api: 2, display: 'ALSA' },
        ];

export function loadAudify(): typeof Audify {
  try {
    return createRequire(__filename)('audify') as typeof Audify;
  } catch (err) {
    throw axonError('audio_backend_missing', 'audify', err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err));
  }
}

/** Outputs need the engine's stereo; an input is read from one channel, so any will do. */
export type Direction = 'output' | 'input';

export interface ApiDevices {
  keyword: string;
  rt: Audify.RtAudio;
  devices: Audify.RtAudioDeviceInfo[];
}

const usable = (d: Audify.RtAudioDeviceInfo, direction: Direction) => (direction === 'output' ? d.outputChannels >= CHANNELS : d.inputChannels >= 1);

/** Each host API compiled in that has usable devices; RtAudio falls back to another API when one is not compiled, so the name it answers with is checked. */
export function probeApis(audify: typeof Audify, direction: Direction): ApiDevices[] {
  const found: ApiDevices[] = [];
  for (const h of HOST_APIS) {
    let rt: Audify.RtAudio;
    try {
      rt = new audify.RtAudio(h.api);
    } catch {
      continue;
    }
    if (rt.getApi() !== h.display) continue;
    const devices = rt.getDevices().filter((d) => usable(d, direction));
    if (devices.length > 0) found.push({ keyword: h.keyword, rt, devices });
  }
  return found;
}

export function listAudifyDevices(direction: Direction = 'output'): AudioDevice[] {
  return probeApis(loadAudify(), direction).flatMap((a) =>
    a.devices.map((d) => ({
      id: d.id,
      name: `${a.keyword}:${d.name}`,
      host: a.rt.getApi(),
      isDefault: (direction === 'output' ? d.isDefaultOutput : d.isDefaultInput) !== 0,
      channels: direction === 'output' ? d.outputChannels : d.inputChannels,
    })),
  );
}

/**
 * A device by name: `<api>:<name>` as listed, a bare name on any API (preferred API first), an
 * API keyword alone (`jack`, `pulse`, `alsa`, ...: that API's default), or nothing (the first
 * API's default).
 */
export function chooseDevice(apis: ApiDevices[], name: string | undefined, direction: Direction): { api: ApiDevices; info: Audify.RtAudioDeviceInfo } {
  const defaultOf = (a: ApiDevices) => {
    const id = direction === 'output' ? a.rt.getDefaultOutputDevice() : a.rt.getDefaultInputDevice();
    return a.devices.find((d) => d.id === id) ?? a.devices[0];
  };
  if (name === undefined) return { api: apis[0], info: defaultOf(apis[0]) };
  const byKeyword = apis.find((a) => a.keyword === name);
  if (byKeyword) return { api: byKeyword, info: defaultOf(byKeyword) };
  for (const a of apis) {
    const info = a.devices.find((d) => `${a.keyword}:${d.name}` === name || d.name === name);
    if (info) return { api: a, info };
  }
  const have = apis.flatMap((a) => a.devices.map((d) => `${a.keyword}:${d.name}`)).join(', ');
  throw direction === 'output' ? axonError('audio_device_not_found', 'audify', name, have) : axonError('audio_input_not_found', name, have);
}
