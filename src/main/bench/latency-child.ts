// Runs the latency bench in a child process: PortAudio and ALSA print to the process's own
// stdout and stderr from native code, which must not mix with the bench's JSON.
import { toErrorPayload } from '../../shared/errors';
import { latencyBench } from './latency-bench';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof latencyBench>[0];
latencyBench(options).then(
  (result) => process.send?.({ ok: true, result }),
  (err: unknown) => process.send?.({ ok: false, error: toErrorPayload(err) }),
);
