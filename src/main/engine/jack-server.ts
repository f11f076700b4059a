import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env, JACK_NO_AUDIO_RESERVATION: '1', JACK_NO_START_SERVER: '1' };

function running(): boolean {
  return spawnSync('jack_lsp', [], { env, stdio: 'ignore' }).status === 0;
}

/**
 * A JACK server for audio tests and benches: the one already running, or a dummy-backend jackd
 * started here (real-time paced, no sound card needed). CI installs jackd2 (see .ci/run).
 */
export async function ensureJackd(sampleRate = 48000, period = 256): Promise<{ stop(): Promise<void> }> {
  if (!existsSync('/usr/bin/jackd')) throw new Error('jackd is not installed: apt-get install jackd2 libasound2-plugins (see .ci/run)');
  if (running()) return { stop: async () => undefined };
  const child: ChildProcess = spawn('jackd', ['-r', '-d', 'dummy', '-r', String(sampleRate), '-p', String(period)], { env, stdio: 'ignore' });
  const wait = spawnSync('jack_wait', ['-w', '-t', '10'], { env, encoding: 'utf8' });
  if (wait.status !== 0 || !running()) {
    child.kill();
    throw new Error(`jackd did not start: ${wait.stdout}${wait.stderr}`);
  }
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
