import { mount } from 'svelte';
import App from './App.svelte';
import { connect } from './lib/transport';
import { createClient } from '../../shared/api-client';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');
mount(App, { target, props: { client: createClient(connect()) } });
