import { afterAll, beforeAll } from 'vitest';
import { firmwareImage } from '../../src/main/drums/firmware/firmware-image';
import { AvrBoard } from '../../src/main/drums/simulator/avr-board';

/** The drum firmware on a simulated Uno behind a pty, for the calling test file (or describe block). */
export function useSimulatedBoard(): { readonly board: AvrBoard; readonly port: string } {
  const rig: { board: AvrBoard | null; port: string } = { board: null, port: '' };
  beforeAll(async () => {
    const board = AvrBoard.fromHexFile(firmwareImage('axon_drums'));
    rig.port = await board.attachPty();
    board.start();
    rig.board = board;
  }, 300_000);
  afterAll(() => rig.board?.stop());
  return {
    get board() {
      if (!rig.board) throw new Error('the simulated board is not running yet');
      return rig.board;
    },
    get port() {
      return rig.port;
    },
  };
}
