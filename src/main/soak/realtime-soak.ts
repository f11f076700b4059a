import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { axonError } from '../../shared/errors';
import { decodeTelemetry } from '../../shared/telemetry';
import type { Hertz, Milliseconds, Seconds } from '../../shared/units';
import { Backend } from '../backend';
import { ANSWER_CHANNEL } from '../rig/live-rig';
import { launchChromium } from '../server/chromium';
import { ensureRendererBuilt } from '../server/renderer-build';
import { startBridge } from '../server/web-bridge';
import { mulberry32, streamSeed } from '../../worker/random';
import { GESTURE_PERIOD_S, SoakPerformer, type Gesture } from './performer';
import { SOAK_SCENES, soakScene } from './soak';
import { StallProbe, underrunsDuringStalls } from './stall-probe';

// `axon soak --realtime`: the soak's performer playing the app as a performer would, in real
// time: the backend with its engine worker on the audio device (JACK here), the performer UI in
// Chromium on the web bridge taking the telemetry, gestures through the backend's API, scene
// changes as patch loads. It reports what the audience would hear go wrong: underruns.

export interface RealtimeSoakResult {
  minutes: number;
  seed: number;
  sink: string;
  device: string;
  sampleRate: Hertz;
  /** The output latency the sink reported at the end: its device queue plus the device's own. */
  outputLatencyMs: Milliseconds;
  /**
   * Blocks the device asked for and did not get in time while the performer played (target 0).
   * The run starts once the first scene plays and the UI has drawn.
   */
  underruns: number;
  /** Output events (notes, controllers, strikes) lost because main did not take them in time. */
  droppedOut: number;
  /**
   * When they came, in seconds into the run (at most the first 100), and how many came within
   * SCENE_SETTLE_S of a scene change (the load, then the new patch's code warming up).
   */
  underrunsAt: number[];
  underrunsAfterScenes: number;
  /** Before the run: while the app started, its first scene loaded and Chromium loaded the UI. */
  startupUnderruns: number;
  nanEvents: number;
  /** Telemetry frames the backend sent the UI, and the frames the page drew. */
  telemetryFrames: number;
  uiFps: number;
  /** The engine thread's nice value (ENGINE_NICE where permitted), and its real-time priority (ENGINE_RT_PRIORITY where permitted, else 0). */
  engineNice: number;
  engineRealtime: number;
  /** The engine worker's busy fraction, the largest a telemetry frame reported. */
  workerLoadMax: number;
  scenes: number;
  gestures: number;
  calls: number;
  answers: number;
  answerNotes: number;
  answerStrikes: number;
  /** The latest the 10 ms gesture timer ran: the main thread's own stalls. */
  timerLateMaxMs: Milliseconds;
  /**
   * The machine's own stalls in the run, of STALL_MIN_MS or more, as the stall probe saw them (a
   * real-time thread per core; '' in machineProbe when it watched them all, else why not), the
   * longest, and the underruns that came during or just after one: the kernel's or the
   * hypervisor's doing, not the app's.
   */
  machineProbe: string;
  machineStalls: number;
  machineStallMaxMs: Milliseconds;
  /** When the stalls ended, in seconds into the run, and how long each was (ms): the first 100. */
  machineStallsAt: { at: Seconds; ms: Milliseconds }[];
  underrunsDuringMachineStalls: number;
}

/** The scenes' own random stream of the seed (the performer draws from stream 0, its own). */
const SCENE_STREAM = 1;

/**
 * The scenes a real-time soak plays and when each starts (s into the run; the first before it).
 * From a stream of their own, so the same seed plays the same scenes at the same times however
 * many gestures the main thread fitted in between; seeded shuffles of SOAK_SCENES one after
 * another, so every scene plays before any plays again.
 */
export function sceneTour(seed: number, seconds: Seconds): { name: string; at: Seconds }[] {
  const rand = mulberry32(streamSeed(seed, SCENE_STREAM));
  const tour: { name: string; at: Seconds }[] = [];
  let deck: string[] = [];
  for (let at = 0; at < seconds; at += 120 + rand() * 180) {
    if (deck.length === 0) {
      deck = [...SOAK_SCENES];
      // Fisher-Yates.
      for (let i = deck.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [deck[i], deck[j]] = [deck[j], deck[i]];
      }
    }
    tour.push({ name: deck.pop() as string, at });
  }
  return tour;
}

/** How long after a scene change its underruns are counted as the change's. */
const SCENE_SETTLE_S: Seconds = 5;

/** Counts the page's frames from now on (a string: this file is compiled without the DOM's types). */
const COUNT_FRAMES = `(() => { window.axonFrames = 0; const f = () => { window.axonFrames++; requestAnimationFrame(f); }; requestAnimationFrame(f); })()`;

export async function realtimeSoak(o: { minutes: number; seed?: number; queueMs?: Milliseconds; onProgress?: (done: number) => void }): Promise<RealtimeSoakResult> {
  const seed = o.seed ?? 1;
  const rand = mulberry32(seed);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'axon-soak-'));
  const saved = process.env.AXON_DATA_DIR;
  process.env.AXON_DATA_DIR = dataDir;
  let backend: Backend | null = null;
  let timer: NodeJS.Timeout | undefined;
  let probe: StallProbe | null = null;
  const closers: (() => Promise<void>)[] = [];
  try {
    backend = await Backend.start({ output: { kind: 'auto', queueMs: o.queueMs }, seed });
    const b = backend;
    const sink = b.engine.sink;
    if (sink.sink === 'clock') throw axonError('audio_no_device', `the real-time soak (${sink.detail})`);
    const bridge = await startBridge({ backend: b, staticDir: ensureRendererBuilt(), port: 0 });
    closers.push(() => bridge.close());
    const browser = await launchChromium();
    closers.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

    let telemetryFrames = 0;
    let workerLoadMax = 0;
    let nanEvents = 0;
    b.on('telemetry', (words) => {
      const t = decodeTelemetry(words);
      telemetryFrames++;
      workerLoadMax = Math.max(workerLoadMax, t.load);
      nanEvents = t.nanEvents;
    });
    const performer = new SoakPerformer(rand, seed);
    let scene = soakScene(SOAK_SCENES[0]);
    let scenes = 0;
    let gestures = 0;
    let loading: Promise<void> | null = null;
    const droppedBefore = b.engine.droppedOut;
    const play = (g: Gesture): void => {
      gestures++;
      const fail = (): void => undefined; // a dragged parameter gone with its scene: the next gesture moves on
      switch (g.type) {
        case 'input':
          void b.setInput(g.input, g.value).catch(fail);
          break;
        case 'param':
          void b.setParam(g.id, g.value).catch(fail);
          break;
        case 'noteOn':
        case 'noteOff':
          b.engine.send(g);
          break;
        case 'drum':
        case 'answerDrum':
          b.drums.hit(g.drum, g.velocity);
          break;
        case 'answerNote':
          b.rigNoteOut(ANSWER_CHANNEL, g.note, g.velocity, g.duration);
          break;
      }
    };
    const seconds = o.minutes * 60;
    const tour = sceneTour(seed, seconds);
    const loadScene = (): void => {
      const { name } = tour[scenes];
      scenes++;
      loading = b.loadPatch(name).then(() => {
        scene = soakScene(name);
        loading = null;
      });
    };
    loadScene();
    await loading;
    await page.goto(bridge.url);
    await page.getByTestId('neuron-readout').waitFor({ timeout: 20_000 });
    await page.evaluate(COUNT_FRAMES);

    const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
    probe = await StallProbe.start();
    const t0 = performance.now();
    let timerLateMax = 0;
    let expected = t0;
    const underrunsAt: number[] = [];
    let underrunsAfterScenes = 0;
    let sceneAt = -Infinity;
    // The engine counts from its start.
    const startupUnderruns = b.engine.underruns;
    let underrunsSeen = startupUnderruns;
    const counted: { atMs: number; count: number }[] = [];
    await new Promise<void>((done, fail) => {
      timer = setInterval(() => {
        const wall = performance.now();
        timerLateMax = Math.max(timerLateMax, wall - expected - GESTURE_PERIOD_S * 1000);
        expected = wall;
        const now = (wall - t0) / 1000;
        const underruns = b.engine.underruns;
        if (underruns !== underrunsSeen) {
          if (now - sceneAt <= SCENE_SETTLE_S) underrunsAfterScenes += underruns - underrunsSeen;
          if (underrunsAt.length < 100) underrunsAt.push(round(now, 2));
          counted.push({ atMs: b.engine.lastUnderrunAtMs, count: underruns - underrunsSeen });
          underrunsSeen = underruns;
        }
        try {
          if (now >= seconds) {
            done();
            return;
          }
          if (scenes < tour.length && now >= tour[scenes].at && !loading) {
            sceneAt = now;
            loadScene();
          }
          for (const { gesture } of performer.step(now, now + GESTURE_PERIOD_S, scene.params)) play(gesture);
          if (Math.floor(now) !== Math.floor(now - GESTURE_PERIOD_S)) o.onProgress?.(now / seconds);
        } catch (err) {
          fail(err);
        }
      }, GESTURE_PERIOD_S * 1000);
    });
    clearInterval(timer);
    const machineProbe = probe.note;
    const runStart = performance.timeOrigin + t0;
    const stalls = (await probe.stop()).filter((s) => s.endAtMs >= runStart);
    const uiFrames = Number(await page.evaluate('window.axonFrames'));
    return {
      minutes: o.minutes,
      seed,
      sink: sink.sink,
      device: sink.device,
      sampleRate: b.engine.sampleRate,
      outputLatencyMs: round(b.engine.outputLatencyMs, 1),
      underruns: b.engine.underruns - startupUnderruns,
      droppedOut: b.engine.droppedOut - droppedBefore,
      underrunsAt,
      underrunsAfterScenes,
      startupUnderruns,
      nanEvents,
      telemetryFrames,
      uiFps: round(uiFrames / seconds, 1),
      engineNice: b.engine.priority.nice,
      engineRealtime: b.engine.priority.realtime,
      workerLoadMax: round(workerLoadMax, 3),
      scenes,
      gestures,
      calls: performer.calls,
      answers: performer.answers,
      answerNotes: performer.answerNotes,
      answerStrikes: performer.answerStrikes,
      timerLateMaxMs: round(timerLateMax, 1),
      machineProbe,
      machineStalls: stalls.length,
      machineStallMaxMs: round(Math.max(0, ...stalls.map((s) => s.ms)), 1),
      machineStallsAt: stalls.slice(0, 100).map((s) => ({ at: round((s.endAtMs - runStart) / 1000), ms: round(s.ms, 1) })),
      underrunsDuringMachineStalls: underrunsDuringStalls(counted, stalls),
    };
  } finally {
    if (timer) clearInterval(timer);
    await probe?.stop();
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await backend?.close();
    if (saved === undefined) delete process.env.AXON_DATA_DIR;
    else process.env.AXON_DATA_DIR = saved;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
