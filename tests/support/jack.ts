export { ensureJackd } from '../../src/main/engine/jack-server';
