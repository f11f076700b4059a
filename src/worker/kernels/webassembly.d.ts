// The slice of the WebAssembly JS API the engine uses. Node has it at run time, but without the
// DOM lib TypeScript does not declare it.
declare namespace WebAssembly {
  interface Module {}
  var Module: { new (bytes: ArrayBufferView | ArrayBuffer): Module };
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  var Instance: { new (module: Module, imports?: Record<string, Record<string, unknown>>): Instance };
}
