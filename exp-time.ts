import { AudioInput } from './src/main/audio-in/audio-input';
const input = new AudioInput({ device: 'jack' });
void (async () => { await input.open();
const priv = input as unknown as { offsets: Float64Array; offsetCount: number };
const seen: number[] = [];
let last = 0;
const t = setInterval(() => {
  while (last < priv.offsetCount) { seen.push(priv.offsets[last % 128]); last++; }
}, 20);
setTimeout(async () => {
  clearInterval(t);
  const min = Math.min(...seen);
  const rel = seen.map((v) => v - min);
  const hist = new Map<number, number>();
  for (const r of rel) hist.set(Math.round(r), (hist.get(Math.round(r)) ?? 0) + 1);
  console.log([...hist.entries()].sort((a, b) => a[0] - b[0]));
  // when do the lowest occur
  console.log(rel.map((r, i) => [i, r.toFixed(2)]).filter(([, r]) => Number(r) < 1).slice(0, 20).join(' '));
  await input.close();
  process.exit(0);
}, 6000); })();
