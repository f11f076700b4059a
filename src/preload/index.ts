import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiMethod, ApiReply, ApiTransport, Notice } from '../shared/api';

// The one typed API the sandboxed window gets: calls go to main over IPC, where they are
// validated like any WebSocket call. Nothing else of Electron or Node is exposed.

const transport: ApiTransport = {
  call: (method: ApiMethod, args: unknown[]) => ipcRenderer.invoke('axon:call', method, args) as Promise<ApiReply>,
  onTelemetry(cb) {
    const h = (_e: IpcRendererEvent, words: Float64Array) => cb(words);
    ipcRenderer.on('axon:telemetry', h);
    return () => void ipcRenderer.off('axon:telemetry', h);
  },
  onNotice(cb) {
    const h = (_e: IpcRendererEvent, n: Notice) => cb(n);
    ipcRenderer.on('axon:notice', h);
    return () => void ipcRenderer.off('axon:notice', h);
  },
};

contextBridge.exposeInMainWorld('axonTransport', transport);
