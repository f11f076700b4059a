// A linked pair of pseudo-terminals from socat: what one end writes, the other reads. The
// simulated board holds one end, a host driver opens the other as if it were a USB serial port.
import { spawn, type ChildProcess } from 'node:child_process';

export interface PtyPair {
  /** The end the simulator opens. */
  boardPath: string;
  /** The end a host driver opens. */
  hostPath: string;
  /** Kills socat (which removes both ptys) and waits for it to exit. */
  close(): Promise<void>;
}

const PTY_LINE = /PTY is (\/dev\/\S+)/;

/** Starts `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and waits until it is transferring data. */
export function openPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      reject(socatError(err));
      return;
    }
    const paths: string[] = [];
    let stderr = '';
    let settled = false;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    // socat outlives a parent that exits without close(): take it down with us.
    const killOnExit = (): void => {
      child.kill('SIGTERM');
    };
    process.once('exit', killOnExit);
    void exited.then(() => process.removeListener('exit', killOnExit));
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new Error(`socat did not set up a pty pair within ${timeoutMs} ms; its output:\n${stderr}`)),
      timeoutMs,
    );
    child.once('error', (err) => fail(socatError(err)));
    child.once('exit', (code, signal) => {
      fail(new Error(`socat exited (${signal ?? `code ${code}`}) before the pty pair was ready; its output:\n${stderr}`));
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (settled) return; // socat keeps logging at -d -d; nobody needs it after setup
      stderr += chunk;
      let m: RegExpExecArray | null;
      const re = new RegExp(PTY_LINE.source, 'g');
      paths.length = 0;
      while ((m = re.exec(stderr)) !== null) paths.push(m[1]);
      // socat prints both PTY lines, then "starting data transfer loop" once both are open.
      if (paths.length >= 2 && stderr.includes('starting data transfer loop')) {
        settled = true;
        clearTimeout(timer);
        const [boardPath, hostPath] = paths;
        resolve({
          boardPath,
          hostPath,
          close: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

function socatError(err: unknown): Error {
  const code = err instanceof Error && 'code' in err ? (err as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOENT') {
    return new Error('socat is not installed: the simulated board needs it for a serial port (install it: apt-get install socat)');
  }
  return new Error(`cannot start socat: ${err instanceof Error ? err.message : String(err)}`);
}
