// Security settings in one place, so tests can assert them and every surface shares them.

/** The renderer's Content-Security-Policy (HTTP header on the web bridge, meta tag in Electron). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Svelte writes style attributes from its templates.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The same policy for a <meta> tag, where frame-ancestors is not allowed (browsers warn). */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');

/** webPreferences of every Electron window (the preload path is added where it is known). */
export const WINDOW_WEB_PREFERENCES = Object.freeze({
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
});

/** What hardenWebContents needs of Electron's WebContents (kept free of Electron's types, so plain Node can test it). */
export interface GuardedContents {
  on(event: 'will-navigate', listener: (e: { preventDefault(): void }) => void): unknown;
  on(event: 'will-redirect', listener: (e: { preventDefault(): void }) => void): unknown;
  on(event: 'will-attach-webview', listener: (e: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

/** Every web contents of the app: no navigation away from it, no new windows, no webviews. */
export function hardenWebContents(contents: GuardedContents): void {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The window asks for no permission (camera, microphone, notifications, ...) and gets none. */
export function denyPermission(_contents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}
