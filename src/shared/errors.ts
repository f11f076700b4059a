// Every user-facing error, written once with a stable code. Throw with `axonError(code, ...)`;
// UIs and the CLI show `message` and may add `details` (one line per problem).

export const ERRORS = {
  patch_json: (where: string, reason: string) => `${where} is not valid JSON: ${reason}`,
  patch_invalid: (where: string, count: number) => `${where} is not a valid patch (${count} problem${count === 1 ? '' : 's'})`,
  patch_not_found: (name: string) => `no patch named "${name}" (see the patch list)`,
  param_unknown: (id: string) => `unknown parameter "${id}" in the current patch`,
  param_value: (id: string, value: string) => `parameter "${id}" needs a finite number, got ${value}`,
  input_unknown: (id: string) => `unknown control input "${id}"`,
  neuron_unknown: (id: string) => `unknown neuron "${id}" in the current patch`,
  event_log_invalid: (where: string, count: number) =>
    `${where} is not a valid event log (${count} problem${count === 1 ? '' : 's'})`,
  file_read: (path: string, reason: string) => `cannot read ${path}: ${reason}`,
  file_write: (path: string, reason: string) => `cannot write ${path}: ${reason}`,
  cli_usage: (problem: string) => `${problem} (run "axon help" for usage)`,
  cli_unknown_command: (name: string) => `unknown command "${name}" (run "axon help" for the list)`,
  engine_not_running: () => 'the engine is not running',
  engine_failed: (reason: string) => `the engine stopped: ${reason}`,
  engine_timeout: (what: string) => `the engine did not answer in time (${what})`,
  engine_restarting: () => 'the engine is restarting at a new rate or buffer; try again in a moment',
  control_queue_full: () => 'the engine is not taking control events (its queue is full); try again',
  out_events_dropped: (count: number) => `${count} note, drum or fault event${count === 1 ? ' was' : 's were'} lost: the output queue was full`,
  request_invalid: (method: string, problem: string) => `bad request to ${method}: ${problem}`,
  method_unknown: (method: string) => `unknown API method "${method}"`,
  renderer_build: (reason: string) => `could not build the user interface: ${reason}`,
  training_input: (problem: string) => `cannot train: ${problem}`,
  training_failed: (problem: string) => `training failed: ${problem}`,
  training_cancelled: () => 'training was cancelled',
  training_busy: (name: string) => `a model ("${name}") is already training; wait for it or cancel it`,
  training_unknown: (job: string) => `no training job "${job}" is running`,
  sound_not_found: (name: string, dir: string) => `no sound "${name}" in ${dir}`,
  sound_exists: (name: string) => `a sound named "${name}" is already in the sounds folder; rename the file and upload it again, or pick that sound from the list`,
  sound_upload: (name: string, problem: string) => `could not upload ${name}: ${problem}`,
  sound_too_large: (name: string, megabytes: string, maxMegabytes: number) =>
    `${name} is ${megabytes} MB; sounds up to ${maxMegabytes} MB can be uploaded (trim it, or save it as mono or 16-bit)`,
  model_not_found: (name: string, userDir: string, exampleDir: string) => `no model "${name}" in ${userDir} or ${exampleDir}; train one in the Reservoir view or pick one from the list`,
  sinenet_busy: () => 'a batch of sine nets is already being generated; wait for it or cancel it',
  sinenet_unknown: (job: string) => `no batch of sine nets "${job}" (generate a batch first; only the last one is kept)`,
  sinenet_export: (problem: string) => `cannot export the pack: ${problem}`,
  sinenet_batch_failed: (reason: string) => `the batch of sine nets failed: ${reason}; generate it again`,
  model_foreign: (where: string) => `${where} is not an Axon Stage reservoir model`,
  model_corrupt: (where: string, problem: string) => `${where} is a damaged reservoir model: ${problem}`,
  model_version: (where: string, version: number, supported: number) =>
    `${where} is a reservoir model of format version ${version}; this version of Axon Stage reads version ${supported}`,
  bench_compiler: (compiler: string, reason: string) => `cannot build the C reference with "${compiler}": ${reason}`,
  drum_calibration: (problem: string) => `drum calibration failed: ${problem}`,
  drum_profile_invalid: (where: string, count: number) => `${where} is not a valid drum profile (${count} problem${count === 1 ? '' : 's'})`,
  drum_profile_not_found: (name: string, dir: string) => `no drum profile "${name}" in ${dir}`,
  server_listen: (address: string, reason: string) => `cannot listen on ${address}: ${reason}`,
  remote_token_missing: () =>
    'this Axon Stage needs its access token: open the address that "axon serve --lan" printed (the one ending in #token=…), or scan its QR code',
  remote_token_wrong: () =>
    'this address has the wrong access token (a new one is made each time "axon serve --lan" starts, unless --token is given): open the address it printed, or scan its QR code',
  remote_forbidden: (host: string) => `this Axon Stage does not answer pages loaded from ${host}: open the address it printed`,
  qr_too_long: (bytes: number, max: number, level: string, version: number) =>
    `${bytes} bytes are too long for a QR code: at most ${max} fit at error correction level ${level} (version ${version})`,
  qr_option: (name: string, expected: string, got: string) => `QR code option ${name} must be ${expected}, got ${got}`,
  sinenet_design: (problem: string) => `invalid sine-network design: ${problem}`,
  sinenet_pack_folder: (dir: string) => `${dir} is not empty and holds no sine-network pack (pack.json); choose an empty or new folder`,
  sinenet_pack_invalid: (where: string, problem: string) => `${where} is not a valid sine-network pack: ${problem}`,
  audio_empty: (where: string, why: string) => `${where} has no audio samples (${why})`,
  audio_truncated: (where: string, declared: number, present: number) =>
    `${where} is truncated: the data chunk says ${declared} bytes but only ${present} are there`,
  audio_not_wav: (where: string, start: string) => `${where} is not a WAV file (it starts with ${start})`,
  audio_format: (where: string, what: string) =>
    `${where} uses ${what}, which is not supported (use 8/16/24/32-bit PCM or 32/64-bit float WAV)`,
  audio_header: (where: string, problem: string) => `${where} has a bad WAV header: ${problem}`,
  drum_field: (field: string, expected: string, got: string) => `${field} must be ${expected}, got ${got}`,
  drum_table: (problems: string) => `invalid strike table: ${problems}`,
  drum_nack: (request: string, error: string, meaning: string) => `the drum board refused ${request}: ${error} (${meaning})`,
  drum_timeout: (request: string, ms: number, tries = 1) =>
    `the drum board did not answer ${request} within ${ms} ms${tries > 1 ? `, asked ${tries} times` : ''}`,
  drum_reply: (request: string, reply: string) => `the drum board answered ${request} with ${reply}`,
  drum_version: (board: string, host: number) =>
    `the drum board speaks protocol ${board}, this Axon Stage speaks version ${host}: flash the firmware that comes with this Axon Stage`,
  drum_not_connected: (state: string) => `the drum board is not connected (${state})`,
  drum_not_synced: () => "the drum board's clock is not synchronised yet",
  drum_busy: (count: number) => `${count} requests are already waiting for the drum board; wait for answers`,
  drum_no_answer: (missed: number) => `the drum board stopped answering (${missed} heartbeats missed)`,
  drum_board_reset: (causes: string) => `the drum board reset (${causes}); requests in flight are lost`,
  drum_stopped: () => 'the drum link was stopped',
  drum_port_open: (path: string, reason: string) => `cannot open the serial port ${path}: ${reason}`,
  drum_port_closed: (path: string, reason: string) => `the serial port ${path} closed: ${reason}`,
  drum_port_list: (reason: string) => `cannot list serial ports (${reason}); give the port path instead`,
  drum_no_board: () => 'no drum board found (no Uno, CH340, FTDI or CP210x serial port); plug one in or give --port',
  drum_connect: (path: string, ms: number, reason: string) => `no drum board answered on ${path} within ${ms} ms: ${reason}`,
  drum_firmware_build: (reason: string) => `cannot build the drum firmware: ${reason}`,
  // The Drums view: table editing, heard strikes, calibration, profiles as text.
  drum_needs_board: (what: string) => `${what} needs the drum board: connect it from Drums in the header (or the Drums view) first`,
  drum_not_on_board: (drum: number, drums: number) => `drum ${drum} is not on the board (it plays drums 0-${drums - 1}); the others sound on the synthesized kit`,
  drum_no_table: (drum: number) => `drum ${drum} has no strike table yet: connect the board, or use a profile that has one`,
  drum_no_ear: (why: string) => `nothing can hear the drums (${why}): choose the microphone at the drums in Devices (Audio in the header), then try again`,
  drum_calibration_busy: (drum: number) => `drum ${drum} is being calibrated; wait for it or cancel it first`,
  drum_calibration_cancelled: () => 'drum calibration was cancelled; the drum has its old table back',
  drum_calibration_unknown: (job: string) => `no drum calibration "${job}" is running`,
  drum_save: (problem: string) => `the drum board did not keep its tables: ${problem}`,
  drum_profile_unnamed: () => 'no drum profile is in use: type a name to save the tables under',
  drum_profile_too_big: (file: string, bytes: number, max: number) => `${file} is ${bytes} bytes, more than a drum profile ever is (${max}): is it the right file?`,
  drum_profile_exists: (name: string) => `a drum profile named "${name}" already exists; replace it, or rename the profile ("name") in the file`,
  midi_unavailable: (reason: string) => `MIDI is unavailable: ${reason}; everything else keeps working`,
  midi_port_not_found: (kind: string, query: string, available: string) =>
    `no MIDI ${kind} port matches "${query}" (available: ${available || 'none'}); it opens when it appears`,
  midi_port_open: (kind: string, name: string, reason: string) => `cannot open the MIDI ${kind} port "${name}": ${reason}`,
  midi_port_lost: (kind: string, name: string) => `the MIDI ${kind} port "${name}" went away; it reopens when it comes back`,
  midi_send: (name: string, reason: string) => `cannot send to the MIDI output "${name}": ${reason}`,
  midi_message: (problem: string) => `invalid MIDI message: ${problem}`,
  midi_tempo: (bpm: string, min: number, max: number) => `MIDI clock tempo must be ${min}-${max} BPM, got ${bpm}`,
  osc_malformed: (problem: string) => `malformed OSC packet: ${problem}`,
  osc_encode: (problem: string) => `cannot encode OSC: ${problem}`,
  osc_pattern: (pattern: string, problem: string) => `bad OSC address pattern "${pattern}": ${problem}`,
  osc_address: (address: string) =>
    `unknown OSC address "${address}" (Axon Stage listens to /axon/param/<parameter id> and /axon/input/<input id>)`,
  osc_no_match: (pattern: string) => `OSC pattern "${pattern}" matches no parameter or input of the current patch`,
  osc_args: (address: string, got: string) => `${address} needs one number (OSC type i, f, d, h, T or F), got ${got}`,
  osc_value: (address: string, value: string) => `${address} needs a finite number, got ${value}`,
  osc_endpoint: (spec: string, problem: string) => `bad OSC address "${spec}": ${problem} (use host:port, e.g. 127.0.0.1:9000)`,
  osc_listen: (address: string, reason: string) => `cannot listen for OSC on ${address}: ${reason}`,
  osc_send: (target: string, reason: string) => `cannot send OSC to ${target}: ${reason}`,
  osc_target: (address: string, reason: string) => `OSC message ${address} failed: ${reason}`,
  osc_rate: (what: string, value: number, range: string) => `OSC ${what} must be ${range}, got ${value}`,
  hid_descriptor: (problem: string) => `malformed HID report descriptor: ${problem}`,
  hid_unavailable: (reason: string) => `USB joysticks are unavailable: the HID library did not load (${reason})`,
  hid_list: (reason: string) => `cannot list HID devices: ${reason}`,
  hid_open: (device: string, reason: string) => `cannot open the joystick ${device}: ${reason}`,
  hid_no_descriptor: (device: string, reason: string) => `cannot read the HID report descriptor of ${device}: ${reason}`,
  hid_not_joystick: (device: string) => `${device} reports no joystick axes, hat or buttons in its HID report descriptor`,
  hid_device_lost: (device: string, reason: string) => `the joystick ${device} went away (${reason})`,
  hid_calibration_invalid: (where: string, count: number) =>
    `${where} is not a valid joystick calibration (${count} problem${count === 1 ? '' : 's'})`,
  hid_calibration_file: (where: string, count: number) =>
    `${where} is not a valid joystick calibration file (${count} problem${count === 1 ? '' : 's'}); fix or move it away: calibrations are not saved until then`,
  hid_calibration_version: (where: string, version: number, supported: number) =>
    `${where} holds joystick calibrations of format version ${version}; this version of Axon Stage reads version ${supported} and will not overwrite it`,
  phrase_option: (name: string, expected: string, got: string) => `call and response: ${name} must be ${expected}, got ${got}`,
  phrase_onset: (problem: string) => `call and response: bad onset (${problem})`,
  phrase_model_invalid: (where: string, problem: string) => `${where} is not a valid call-and-response model: ${problem}`,
  mapping_invalid: (count: number) => `the mappings are not valid (${count} problem${count === 1 ? '' : 's'}); the patch keeps its mappings`,
  mapping_owns_param: (id: string, index: number, from: string) =>
    `"${id}" is driven by mappings[${index}] (from ${from}); change that mapping's min and max (mappings.${index}.min / .max) or remove it`,
  mapping_destination: (id: string, problem: string) => `cannot learn a mapping to "${id}": ${problem}`,
  audio_backend_missing: (backend: string, reason: string) => `the ${backend} audio backend is not available (${reason})`,
  audio_no_device: (backend: string) => `${backend} found no audio output device`,
  audio_device_not_found: (backend: string, name: string, have: string) => `no audio output named "${name}" on ${backend} (have: ${have})`,
  audio_device_failed: (device: string, reason: string) => `the audio device ${device} failed: ${reason}`,
  audio_device_stalled: (device: string, ms: number) => `the audio device ${device} stopped taking audio (nothing played for ${ms} ms)`,
  audio_input_not_found: (name: string, have: string) => `no audio input named "${name}" (have: ${have || 'none'})`,
  audio_input_none: () => 'no audio input device was found (a microphone, a line in, or a JACK server)',
  audio_input_channel: (device: string, channel: number, channels: number) => `the audio input ${device} has ${channels} channel${channels === 1 ? '' : 's'}, not a channel ${channel}`,
  audio_input_failed: (device: string, reason: string) => `the audio input ${device} failed: ${reason}`,
  rig_off: (what: string) => `this app runs without the live rig, so ${what} cannot be used here (start it with npm start, axon serve or axon perform)`,
  joystick_unknown: (id: string) => `no joystick "${id}" (see the Devices menu for the ones connected)`,
  joystick_axis_unknown: (device: string, axis: string, have: string) => `the joystick ${device} has no axis "${axis}" (it has ${have})`,
  joystick_not_calibrating: (id: string) => `the joystick ${id} is not being calibrated (start first)`,
  audio_input_off: () => 'no audio input is open (start one with --audio-in, or pick one in Devices)',
  patch_name: (name: string, rule: string) => `"${name}" cannot name a patch (${rule})`,
  patch_exists: (name: string) => `a patch named "${name}" already exists; choose another name or save over it`,
  stored_file_invalid: (where: string, what: string, count: number) =>
    `${where} is not a valid ${what} file (${count} problem${count === 1 ? '' : 's'}); fix or move it away: the ${what} is not saved until then`,
  setlist_invalid: (count: number) => `the set list is not valid (${count} problem${count === 1 ? '' : 's'}); it stays as it was`,
  scene_unknown: (number: number, count: number) =>
    count === 0 ? `there is no scene ${number}: the set list is empty (add scenes in the Set list view)` : `there is no scene ${number}: the set list has ${count}`,
  drum_edits_kept: (drums: string, kept: string, profile: string) =>
    `the unsaved table edits of drum ${drums} were kept as drum profile "${kept}" before the scene took profile "${profile}" (choose "${kept}" in Drums to play them again)`,
  audio_format_busy: (why: string) => `cannot change the sample rate or buffer now: ${why}`,
  recording_busy: (set: string) => `already recording (${set}); stop it first`,
  recording_no_space: (folder: string, megabytes: number) =>
    `only ${megabytes} MB free where the sets are kept (${folder}): under a minute of recording; free some space first`,
  recording_disk_full: (folder: string, at: string) =>
    `the disk holding ${folder} is full: recording stopped at ${at} (the set is kept, the sound plays on); free some space and record again`,
  recording_write_failed: (file: string, reason: string, at: string) =>
    `recording stopped at ${at}: cannot write ${file} (${reason}); the set is kept up to there, the sound plays on`,
  recording_engine_stopped: (at: string) => `recording stopped at ${at}: the engine stopped; the set is kept up to there`,
  set_not_found: (where: string) => `no recorded set at ${where} (give the set's folder, or its name in the sets folder)`,
  set_unrepairable: (dir: string, why: string) => `cannot repair ${dir}: ${why}; nothing was changed`,
  set_replay: (dir: string, why: string) => `cannot replay ${dir}: ${why}`,
  set_repaired: (name: string, length: string) => `the set "${name}" was cut short when the app stopped; it is repaired, with ${length} of sound kept`,
  autosave_invalid: (file: string, aside: string) => `${file} could not be read, so nothing was restored from before the last stop; it was moved to ${aside}`,
  session_restored: (at: string, patch: string, scene: number | null) =>
    `Axon Stage did not close cleanly: ${patch} plays again as it was at ${at}${scene === null ? '' : `, in scene ${scene}`}`,
} as const;

export type ErrorCode = keyof typeof ERRORS;

export class AxonError extends Error {
  override readonly name = 'AxonError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }

  /** Message plus one indented line per detail, as printed by the CLI. */
  describe(): string {
    return [this.message, ...this.details.map((d) => `  ${d}`)].join('\n');
  }
}

export function axonError<C extends ErrorCode>(code: C, ...args: Parameters<(typeof ERRORS)[C]>): AxonError {
  const template = ERRORS[code] as (...a: Parameters<(typeof ERRORS)[C]>) => string;
  return new AxonError(code, template(...args));
}

export function withDetails(err: AxonError, details: readonly string[]): AxonError {
  return new AxonError(err.code, err.message, details);
}

/** A serialisable view of any thrown value, for IPC / WebSocket replies. */
export interface ErrorPayload {
  code: ErrorCode | 'internal';
  message: string;
  details: string[];
}

export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof AxonError) return { code: err.code, message: err.message, details: [...err.details] };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err), details: [] };
}

/** The error a thread sent back, as an AxonError; an internal one takes `fallback`'s code. */
export function fromErrorPayload(p: ErrorPayload, fallback: ErrorCode): AxonError {
  return new AxonError(p.code === 'internal' ? fallback : p.code, p.message, p.details);
}
