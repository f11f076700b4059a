import path from 'node:path';
import { z } from 'zod';
import { AUDIO_INPUT_CHANNELS, AudioFormatSchema, AudioOutputPickSchema } from '../../shared/api';
import { dataDir } from '../paths';
import { readStoredJson, writeStoredJson } from '../stored-json';

/**
 * The devices last chosen in the app, in `<data dir>/settings.json`, so the next start
 * plays where the last one did:
 *
 *   { "format": "axon-settings", "version": 1,
 *     "audioOut": { "backend": "audify", "device": "jack:system", "queueMs": 43 } | null,
 *     "audioIn": { "device": "USB mic", "channel": 1 } | null,
 *     "osc": { "listen": "127.0.0.1:9000", "targets": ["192.168.1.20:9001"] } | null,
 *     "audioFormat": { "sampleRate": 48000, "blockSize": 128 },
 *     "midiIn": "Launchkey" | null }
 *
 * A missing key means "never chosen" (the default device); null means "chosen: none".
 */
const FORMAT = 'axon-settings';
const VERSION = 1;
const WHAT = 'settings';

const Device = z.string().min(1).max(200);
const FileSchema = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  audioOut: AudioOutputPickSchema.nullable().optional(),
  audioIn: z.strictObject({ device: Device.nullable(), channel: z.number().int().min(1).max(AUDIO_INPUT_CHANNELS) }).nullable().optional(),
  osc: z.strictObject({ listen: z.string().min(1).max(100).nullable(), targets: z.array(z.string().min(1).max(100)).max(8) }).nullable().optional(),
  audioFormat: AudioFormatSchema.optional(),
  midiIn: z.string().min(1).max(200).nullable().optional(),
});
export type DeviceSettings = Omit<z.infer<typeof FileSchema>, 'format' | 'version'>;

export const settingsFile = (): string => path.join(dataDir(), 'settings.json');

export function readDeviceSettings(): DeviceSettings {
  const { format: _f, version: _v, ...settings } = readStoredJson(settingsFile(), FileSchema, WHAT) ?? { format: FORMAT, version: VERSION };
  return settings;
}

/** Merges `change` into the stored settings (a damaged file is left alone and the error thrown). */
export function saveDeviceSettings(change: DeviceSettings): void {
  writeStoredJson(settingsFile(), FileSchema, WHAT, { format: FORMAT, version: VERSION, ...readDeviceSettings(), ...change });
}
