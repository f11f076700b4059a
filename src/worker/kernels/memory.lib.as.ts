// AssemblyScript helpers shared by the kernels: float64 arrays in linear memory.

/** base[i] as float64. */
@inline
export function f64At(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}

/** base[i] = x as float64. */
@inline
export function setF64(base: usize, i: i32, x: f64): void {
  store<f64>(base + (<usize>i << 3), x);
}
