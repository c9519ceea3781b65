'use strict';
// Starts the real twilio-run development server in-process (no fork, no live reload) on a
// loopback port, with the given functions, and resolves to { url, close }. Used by bench/load.
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

async function serve(env, functions) {
  const { LocalDevelopmentServer } = require('@twilio/runtime-handler/dev');
  const routes = {
    functions: functions.map(({ name, filePath }) => ({ name, path: `/${name}`, access: 'public', content: '', filePath })),
    assets: [],
  };
  const server = new LocalDevelopmentServer(0, {
    baseDir: root, env, port: 0, url: '', detailedLogs: false, live: false, logs: false,
    legacyMode: false, appName: 'bench', forkProcess: false, routes, enableDebugLogs: false,
  });
  const http = await new Promise((resolve) => {
    const s = server.getApp().listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${http.address().port}`;
  server.config = { ...server.config, url };
  return {
    url,
    close: () => new Promise((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }),
  };
}

module.exports = { serve, root };
