import { open, type FileHandle } from 'node:fs/promises';
import type { Hertz } from '../../shared/units';
import { FieldWriter, writeFloatFmt } from '../wav/wav-file';

// A float32 WAV written as it grows, for recordings. Its header is rewritten with the sizes so
// far at every sync(), so a killed process leaves a file that opens with all but the last moments.
// A JUNK chunk the size of RF64's ds64 sits before `fmt `: past 4 GiB the header turns into RF64
// (EBU Tech 3306) in place, with no copy.

const DS64_BYTES = 28;
/** RIFF + ds64/JUNK + fmt (18) + fact + data headers. */
export const WAV_STREAM_HEADER_BYTES = 12 + (8 + DS64_BYTES) + (8 + 18) + (8 + 4) + 8;
const U32_MAX = 0xffffffff;
/** Past this many data bytes the RIFF size field would overflow. */
export const RIFF_DATA_LIMIT = U32_MAX - (WAV_STREAM_HEADER_BYTES - 8);

/** The header for `dataBytes` of float32 samples: RIFF while the sizes fit 32 bits, else RF64. */
export function wavStreamHeader(channels: number, sampleRate: Hertz, dataBytes: number, rf64Above = RIFF_DATA_LIMIT): Buffer {
  const w = new FieldWriter(Buffer.alloc(WAV_STREAM_HEADER_BYTES));
  const frames = Math.floor(dataBytes / (channels * 4));
  const rf64 = dataBytes > rf64Above;
  const riffSize = WAV_STREAM_HEADER_BYTES - 8 + dataBytes;
  w.str(rf64 ? 'RF64' : 'RIFF');
  w.u32(rf64 ? U32_MAX : riffSize);
  w.str('WAVE');
  if (rf64) {
    w.str('ds64');
    w.u32(DS64_BYTES);
    w.u64(riffSize);
    w.u64(dataBytes);
    w.u64(frames);
    w.u32(0); // no table of other chunk sizes
  } else {
    w.str('JUNK');
    w.u32(DS64_BYTES);
    w.skip(DS64_BYTES);
  }
  writeFloatFmt(w, channels, sampleRate);
  w.str('fact');
  w.u32(4);
  w.u32(rf64 ? U32_MAX : frames);
  w.str('data');
  w.u32(rf64 ? U32_MAX : dataBytes);
  return w.buf;
}

/**
 * Appends run in order without blocking the caller; a failed write (a full disk) stops all later
 * ones and is reported once through `onError`. Main-thread only.
 */
export class WavStream {
  private chain: Promise<void> = Promise.resolve();
  private written = 0;
  private queued = 0;
  private failure: NodeJS.ErrnoException | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    readonly channels: number,
    readonly sampleRate: Hertz,
    private readonly rf64Above: number,
    private readonly onError: (err: NodeJS.ErrnoException) => void,
  ) {}

  /** Creates the file (never over an existing one) with a header for no samples. */
  static async create(
    file: string,
    o: { channels: number; sampleRate: Hertz; onError: (err: NodeJS.ErrnoException) => void; rf64AboveBytes?: number },
  ): Promise<WavStream> {
    const fh = await open(file, 'wx');
    const w = new WavStream(file, fh, o.channels, o.sampleRate, o.rf64AboveBytes ?? RIFF_DATA_LIMIT, o.onError);
    try {
      await fh.write(wavStreamHeader(o.channels, o.sampleRate, 0, w.rf64Above), 0, WAV_STREAM_HEADER_BYTES, 0);
    } catch (err) {
      await fh.close();
      throw err;
    }
    return w;
  }

  /** Sample bytes on disk (written, not only queued). */
  get dataBytes(): number {
    return this.written;
  }

  /** Sample bytes handed over and not yet written. */
  get queuedBytes(): number {
    return this.queued;
  }

  get failed(): NodeJS.ErrnoException | null {
    return this.failure;
  }

  /** Queues interleaved samples; takes ownership of `samples` (the caller must not reuse it). */
  append(samples: Float32Array): void {
    if (this.closed || this.failure) return;
    const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
    this.queued += bytes.length;
    this.enqueue(async () => {
      this.queued -= bytes.length;
      // A partial write at a full disk: count what landed, then fail.
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, WAV_STREAM_HEADER_BYTES + this.written);
        if (bytesWritten === 0) throw Object.assign(new Error('no bytes written'), { code: 'ENOSPC' });
        done += bytesWritten;
        this.written += bytesWritten;
      }
    });
  }

  /** Rewrites the header with the samples written so far and asks the OS to put both on disk. */
  sync(): Promise<void> {
    return this.enqueue(async () => {
      await this.writeHeader();
      await this.fh.datasync();
    });
  }

  /**
   * Writes what is queued, the final header, and closes the file; safe to call twice. After a
   * failed write the header still gets the sizes of what landed (it overwrites bytes the file
   * has, so a full disk does not stop it).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.chain;
      try {
        await this.writeHeader();
      } finally {
        await this.fh.close();
      }
    })();
    return this.closing;
  }

  private async writeHeader(): Promise<void> {
    // Whole frames only: a write cut by a full disk may end inside one.
    const frameBytes = this.channels * 4;
    const data = this.written - (this.written % frameBytes);
    await this.fh.write(wavStreamHeader(this.channels, this.sampleRate, data, this.rf64Above), 0, WAV_STREAM_HEADER_BYTES, 0);
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        await step();
      } catch (err) {
        this.failure = err as NodeJS.ErrnoException;
        this.onError(this.failure);
      }
    });
    return this.chain;
  }
}
