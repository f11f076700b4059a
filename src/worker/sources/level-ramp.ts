/** A level read once per chunk, ramped across the chunk from where the last one ended. */
export class LevelRamp {
  private last = -1;

  /** out[s] = y[s] x the ramp toward `level`, for s < len. */
  apply(out: Float64Array, y: Float64Array, len: number, level: number): void {
    const l0 = this.last < 0 ? level : this.last;
    const dl = (level - l0) / len;
    this.last = level;
    for (let s = 0; s < len; s++) out[s] = y[s] * (l0 + dl * (s + 1));
  }

  reset(): void {
    this.last = -1;
  }
}
