import path from 'node:path';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { answer } from '../../shared/api';
import { toErrorPayload } from '../../shared/errors';
import { Backend } from '../backend';
import { LiveRig } from '../rig/live-rig';
import { packTelemetry } from '../server/web-bridge';
import { denyPermission, hardenWebContents, WINDOW_WEB_PREFERENCES } from '../security';

// The thin Electron shell: one window, one client of the same Backend the web bridge serves.
// Everything it does besides windowing lives in plain-Node code under src/main.

const DEFAULT_PATCH = 'dual-neuron';

app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));

async function main(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler(denyPermission);
  const backend = await Backend.start({ output: { kind: 'auto' } });
  ipcMain.handle('axon:call', (_e, method: unknown, args: unknown) => answer(backend, typeof method === 'string' ? method : '', args));

  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    backgroundColor: '#0b0e12',
    title: 'Axon Stage',
    webPreferences: { ...WINDOW_WEB_PREFERENCES, preload: path.join(__dirname, '../preload/index.js') },
  });
  backend.on('telemetry', (words) => {
    if (!win.isDestroyed()) win.webContents.send('axon:telemetry', packTelemetry(words));
  });
  backend.on('notice', (notice) => {
    if (!win.isDestroyed()) win.webContents.send('axon:notice', notice);
  });
  await backend.loadPatch(DEFAULT_PATCH).catch((err: unknown) => console.error(err instanceof Error ? err.message : err));
  // MIDI (virtual ports) and USB joysticks from the start; what is missing shows in the error banner.
  const rig = await LiveRig.start(backend, { midi: { input: null }, hid: {}, onProblem: (err) => backend.emit('notice', { type: 'error', error: toErrorPayload(err) }) });
  for (const err of await backend.restoreDevices()) console.error(err.message);
  // After a crash: the sets it cut short repaired, the patch as it played back.
  await backend.restoreAfterCrash();

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) await win.loadURL(devUrl);
  else await win.loadFile(path.join(__dirname, '../renderer/index.html'));

  app.on('window-all-closed', () => {
    void rig
      .close()
      .then(() => backend.close())
      .finally(() => app.quit());
  });
}

main().catch((err: unknown) => {
  console.error(err);
  app.exit(1);
});
