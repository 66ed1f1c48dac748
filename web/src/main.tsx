// First: before any schema of the protocol is made.
import './zod-setup.js';
import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { registerServiceWorker } from './push/phone-push.js';

registerServiceWorker();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <MantineProvider defaultColorScheme="auto">
        <App />
      </MantineProvider>
    </StrictMode>,
  );
}
