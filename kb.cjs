require('tsx/cjs');
const { layoutPatch } = require('./src/shared/patch/layout.ts');
const { readPatch } = require('./src/main/patches/patch-library.ts');
const { ParamBank } = require('./src/worker/params/param-bank.ts');
const { Network } = require('./src/worker/neurons/network.ts');
const { dense16Patch } = require('./src/main/bench/bench-cases.ts');
for (const [name, patch] of [['dual', readPatch('dual-neuron').patch], ['dense16', dense16Patch()]]) {
  const layout = layoutPatch(patch); const bank = new ParamBank(layout.params, 48000); const net = new Network(layout, bank, 48000, 1);
  const N = 30000;
  for (let r = 0; r < 3; r++) { const t = process.hrtime.bigint(); for (let i = 0; i < N; i++) { bank.advance(32); net.run(32, bank); } if (r) console.log(name, 'network ns/sample', (Number(process.hrtime.bigint() - t) / N / 32).toFixed(1)); }
}
{
  const layout = layoutPatch(dense16Patch()); const bank = new ParamBank(layout.params, 48000); const net = new Network(layout, bank, 48000, 1);
  const run = net.kernelRun; const N = 30000;
  for (let r = 0; r < 3; r++) { const t = process.hrtime.bigint(); for (let i = 0; i < N; i++) run(16, 19, 32, 0, 0, 0); if (r) console.log('raw kernel dense16 ns/sample', (Number(process.hrtime.bigint() - t) / N / 32).toFixed(1)); }
  for (let r = 0; r < 3; r++) { const t = process.hrtime.bigint(); for (let i = 0; i < N; i++) run(16, 19, 32, 1, 0, 0); if (r) console.log('raw kernel dense16 moving ns/sample', (Number(process.hrtime.bigint() - t) / N / 32).toFixed(1)); }
  console.log('v', Array.from(net.v).slice(0,8).map(x=>x.toFixed(3)).join(' '));
}
