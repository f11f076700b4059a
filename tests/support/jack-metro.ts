import { spawn, spawnSync } from 'node:child_process';
import { until } from './until';

// jack_metro (Debian jackd2) as the microphone of the audio-input tests: beeps of a known pitch
// at a known tempo, patched by hand into the port under test. Every JACK tool call has a time
// limit: a wedged server must fail a test, not hang the run.

const env = { ...process.env, JACK_NO_START_SERVER: '1' };
const TOOL_MS = 5000;

/** A JACK server answers here (the test setup starts the dummy one on Linux). */
export function jackRunning(): boolean {
  return process.platform === 'linux' && spawnSync('jack_lsp', [], { env, stdio: 'ignore', timeout: TOOL_MS }).status === 0;
}

export interface Metronome {
  /** Patches the beeps into a port ("axon-stage-in:inport 0"). */
  connect(port: string): void;
  stop(): void;
}

/** Starts beeping (amplitude 0.5: -6 dBFS) once its port exists. */
export async function startMetronome(name: string, o: { bpm: number; hz: number; beepMs: number }): Promise<Metronome> {
  const child = spawn('jack_metro', ['-b', String(o.bpm), '-f', String(o.hz), '-A', '0.5', '-D', String(o.beepMs), '-n', name], { env, stdio: 'ignore' });
  const port = `${name}:${o.bpm}_bpm`;
  try {
    await until(`the port ${port}`, () => spawnSync('jack_lsp', [], { env, encoding: 'utf8', timeout: TOOL_MS }).stdout?.includes(port), 5000);
  } catch (err) {
    child.kill();
    throw err;
  }
  return {
    connect(to: string) {
      const r = spawnSync('jack_connect', [port, to], { env, encoding: 'utf8', timeout: TOOL_MS });
      if (r.status !== 0) throw new Error(`jack_connect ${port} ${to} failed: ${r.stderr || r.error?.message}`);
    },
    stop() {
      child.kill();
    },
  };
}
