import { realtimeSoak } from '../../soak/realtime-soak';
import { soak as runSoak } from '../../soak/soak';
import { STALL_MIN_MS } from '../../soak/stall-probe';
import { numberFlag, parseFlags, withQueueFlag } from '../args';
import { stdio, type Command } from '../command';

export const soak: Command = {
  name: 'soak',
  summary:
    'play a seeded, randomised performance offline, faster than real time, and report NaNs, peak, DC, heap growth and the slowest block; with --realtime, play it through the audio device with the UI open in Chromium and count underruns',
  usage: 'axon soak [--minutes <m>] [--seed <n>] [--realtime [--queue-ms <ms>]] [--json]',
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { minutes: { type: 'string' }, seed: { type: 'string' }, realtime: { type: 'boolean' }, 'queue-ms': { type: 'string' }, json: { type: 'boolean' } },
      { min: 0, max: 0, names: '' },
    );
    const minutes = numberFlag('minutes', values.minutes, values.realtime ? 10 : 60, 0.05, 24 * 60);
    const seed = numberFlag('seed', values.seed, 1, 0, 0xffffffff, true);
    const onProgress = values.json ? undefined : (done: number) => process.stderr.write(`soak: ${(100 * done).toFixed(0)}%\r`);
    if (values.realtime) {
      const output = withQueueFlag({ kind: 'auto' }, values['queue-ms']);
      const r = await realtimeSoak({ minutes, seed, queueMs: output.kind === 'auto' ? output.queueMs : undefined, onProgress });
      if (values.json) stdio.out(JSON.stringify(r));
      else {
        stdio.out(`real-time soak of ${r.minutes} min (seed ${r.seed}) on ${r.sink}, device ${r.device} (${r.outputLatencyMs} ms to the device): ${r.scenes} scenes, ${r.gestures} gestures`);
        stdio.out(`  call and response: ${r.calls} phrases played, ${r.answers} answered (${r.answerNotes} notes out, ${r.answerStrikes} drum strikes)`);
        stdio.out(`  underruns ${r.underruns}${r.underruns > 0 ? ` (at ${r.underrunsAt.join(', ')} s; ${r.underrunsAfterScenes} within 5 s of a scene change)` : ''}, output events dropped ${r.droppedOut}, NaN recoveries ${r.nanEvents}`);
        stdio.out(`  before the run (app start, first scene, UI load): ${r.startupUnderruns} underruns; engine thread ${r.engineRealtime > 0 ? `at real-time priority ${r.engineRealtime}` : `not real-time`}, nice ${r.engineNice}`);
        stdio.out(`  UI: ${r.telemetryFrames} telemetry frames, ${r.uiFps} frames/s drawn; engine worker busy at most ${(100 * r.workerLoadMax).toFixed(0)} %`);
        stdio.out(`  gesture timer late by at most ${r.timerLateMaxMs} ms`);
        stdio.out(
          r.machineProbe === ''
            ? `  the machine itself stalled ${r.machineStalls} times for ${STALL_MIN_MS} ms or more (at most ${r.machineStallMaxMs} ms); ${r.underrunsDuringMachineStalls} of the underruns came with such a stall`
            : `  machine stalls not measured: ${r.machineProbe}`,
        );
      }
      return r.underruns > 0 || r.droppedOut > 0 || r.nanEvents > 0 ? 1 : 0;
    }
    const r = runSoak({ minutes, seed, onProgress });
    if (values.json) stdio.out(JSON.stringify(r));
    else {
      stdio.out(`soak of ${r.minutes} min (seed ${r.seed}): ${r.scenes} scenes, ${r.events} events, ${r.realtimeFactor}x real time`);
      stdio.out(`  call and response: ${r.calls} phrases played, ${r.answers} answered (${r.answerNotes} notes out, ${r.answerStrikes} drum strikes)`);
      stdio.out(`  NaN recoveries ${r.nanEvents}, non-finite samples ${r.nonFiniteSamples}`);
      stdio.out(`  peak ${r.peakDbfs} dBFS (ceiling ${r.ceilingDbfs}), DC at most ${r.dcMax}`);
      stdio.out(`  heap ${r.heapStartMb} -> ${r.heapEndMb} MB (${r.heapGrowthPct} %)`);
      stdio.out(`  blocks: worst ${r.worstBlockMs} ms, p99 ${r.p99BlockMs} ms (a block lasts ${((r.blockSize / r.sampleRate) * 1000).toFixed(2)} ms)`);
    }
    // On stage each of these would be heard or felt: the soak fails on them.
    const bad = r.nanEvents > 0 || r.nonFiniteSamples > 0 || r.peakDbfs > r.ceilingDbfs + 0.01;
    return bad ? 1 : 0;
  },
};
