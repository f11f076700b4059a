import { mount } from 'svelte';
import App from './App.svelte';
import { trackStatus } from './lib/connection';
import { connect, WebSocketTransport } from './lib/transport';
import { createClient } from '../../shared/api-client';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');
const transport = connect();
// Only the WebSocket transport can lose its link; the Electron IPC one cannot.
const connection = transport instanceof WebSocketTransport ? trackStatus(transport) : undefined;
mount(App, { target, props: { client: createClient(transport), connection } });
