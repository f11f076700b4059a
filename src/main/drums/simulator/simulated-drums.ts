import { firmwareImage } from '../firmware/firmware-image';
import { AvrBoard } from './avr-board';
import { ModelMicrophone, type ModelMicrophoneOptions } from './model-drum';

/** Simulated time run flat out before pacing starts (the firmware's boot takes about this long too). */
const WARM_UP_US = 300_000;

/** How the app names what hears the simulated drums (shown beside calibrations). */
export const MODEL_MICROPHONE_NAME = 'the model microphone of the simulated board';

/**
 * A drum board to rehearse with: the real firmware (shield v1) in the AVR simulator behind a
 * pty, with model drums on its motors and a model microphone that hears them. The app and the
 * CLI connect to `port` like a USB board; calibration listens through `microphone` instead of an
 * audio input, the only thing that differs from a real kit. Main thread only.
 */
export class SimulatedDrums {
  readonly name = MODEL_MICROPHONE_NAME;

  private constructor(
    readonly board: AvrBoard,
    readonly port: string,
    readonly microphone: ModelMicrophone,
  ) {}

  /** Boots the firmware in real time on a fresh pty. */
  static async start(o: ModelMicrophoneOptions = {}): Promise<SimulatedDrums> {
    const board = AvrBoard.fromHexFile(firmwareImage('axon_drums'));
    // Booted as fast as the CPU allows first: the simulator's hot loop is compiled by then, so
    // the first strikes in real time do not lag behind the wall clock.
    board.runFor(WARM_UP_US);
    const port = await board.attachPty();
    board.start();
    return new SimulatedDrums(board, port, new ModelMicrophone(board, o));
  }

  stop(): Promise<void> {
    return this.board.stop();
  }
}

/** What playing on a simulated board needs of the app (Backend has it). */
export interface SimulatedDrumsHost {
  attachSimulatedDrums(sim: SimulatedDrums | null): void;
  connectDrums(path: string | null): Promise<unknown>;
}

/**
 * Starts a simulated board and plays the app's drums on it (`axon serve --simulate-drums`):
 * connected like a USB board, heard by its model microphone. Stop it after the app.
 */
export async function playSimulatedDrums(app: SimulatedDrumsHost, o: ModelMicrophoneOptions = {}): Promise<SimulatedDrums> {
  const sim = await SimulatedDrums.start(o);
  app.attachSimulatedDrums(sim);
  await app.connectDrums(sim.port);
  return sim;
}
