import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

// jack_metro (Debian jackd2) as the microphone of the audio-input tests: beeps of a known pitch
// at a known tempo, patched by hand into the port under test. Every JACK tool call has a time
// limit, and none blocks the event loop while the test's audio input runs: each call is a JACK
// client of its own, so they are also spaced out (polling jack_lsp every few milliseconds
// flooded the server with clients and stalled every other JACK test).

const env = { ...process.env, JACK_NO_START_SERVER: '1' };
const TOOL_MS = 5000;
const POLL_MS = 200;
const run = promisify(execFile);

/** A JACK server answers here (the test setup starts the dummy one on Linux). */
export function jackRunning(): boolean {
  return process.platform === 'linux' && spawnSync('jack_lsp', [], { env, stdio: 'ignore', timeout: TOOL_MS }).status === 0;
}

export interface Metronome {
  /** Patches the beeps into a port ("axon-stage-in:inport 0"). */
  connect(port: string): Promise<void>;
  stop(): void;
}

/** Starts beeping (amplitude 0.5: -6 dBFS) once its port exists. */
export async function startMetronome(name: string, o: { bpm: number; hz: number; beepMs: number }): Promise<Metronome> {
  const child = spawn('jack_metro', ['-b', String(o.bpm), '-f', String(o.hz), '-A', '0.5', '-D', String(o.beepMs), '-n', name], { env, stdio: 'ignore' });
  const port = `${name}:${o.bpm}_bpm`;
  const end = Date.now() + 10_000;
  for (;;) {
    const { stdout } = await run('jack_lsp', [], { env, timeout: TOOL_MS }).catch(() => ({ stdout: '' }));
    if (stdout.includes(port)) break;
    if (Date.now() > end) {
      child.kill();
      throw new Error(`gave up waiting for the port ${port}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    async connect(to: string) {
      await run('jack_connect', [port, to], { env, timeout: TOOL_MS }).catch((err: Error & { stderr?: string }) => {
        throw new Error(`jack_connect ${port} ${to} failed: ${err.stderr || err.message}`);
      });
    },
    stop() {
      child.kill();
    },
  };
}
