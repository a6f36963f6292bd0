// Process side of the end-to-end harness: code-server (a real VS Code 1.100) on 127.0.0.1 and Debian's
// headless Chromium attached through playwright-core. Adapted from the shared code-server harness.
// Every child leads its own process group; cleanup ends each group by PID (SIGTERM, then SIGKILL) and nothing else.
// Network: code-server binds 127.0.0.1, the gallery is off, Chromium resolves no host name, and a route
// aborts any request that is not for our port.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function e2eCacheDir() {
  return (
    process.env.E2E_CACHE_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'kernel-mm-lens', 'e2e')
  );
}

export function loadPlaywright(cache) {
  for (const base of [path.join(cache, 'tools', 'x.js'), path.join(process.cwd(), 'x.js')]) {
    try {
      return createRequire(base)('playwright-core');
    } catch {
      /* next */
    }
  }
  return null;
}

export function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function waitFor(what, fn, timeoutMs, everyMs = 200) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => {
      req.destroy();
      resolve(null);
    });
  });
}

/** Owns the temp folder and every process of one run. */
export class Harness {
  constructor({ codeServer, chromium, playwright, log, keep = false }) {
    Object.assign(this, { codeServer, chromiumBin: chromium, playwright, log, keep });
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kml-e2e-'));
    this.children = [];
    this.blocked = [];
    this.consoleErrors = [];
    this.userDataDir = path.join(this.tmp, 'user-data');
    this.extensionsDir = path.join(this.tmp, 'extensions');
    const xdg = path.join(this.tmp, 'xdg');
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(this.extensionsDir, { recursive: true });
    this.configFile = path.join(this.tmp, 'code-server.yaml');
    fs.writeFileSync(this.configFile, 'auth: none\ncert: false\n');
    // code-server writes config and data under $HOME unless told otherwise
    this.csEnv = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      EXTENSIONS_GALLERY: '{}',
      CS_DISABLE_GETTING_STARTED_OVERRIDE: '1',
    };
    for (const key of ['PASSWORD', 'HASHED_PASSWORD', 'PORT', 'VSCODE_PROXY_URI', 'GITHUB_TOKEN'])
      delete this.csEnv[key];
    this.chromiumEnv = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(xdg, 'chromium-config'),
      XDG_CACHE_HOME: path.join(xdg, 'chromium-cache'),
    };
  }

  commonArgs() {
    return ['--config', this.configFile, '--user-data-dir', this.userDataDir, '--extensions-dir', this.extensionsDir];
  }

  writeSettings(settings) {
    fs.writeFileSync(
      path.join(this.userDataDir, 'User', 'settings.json'),
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'workbench.tips.enabled': false,
          'workbench.enableExperiments': false,
          'workbench.welcomePage.walkthroughs.openOnInstall': false,
          'workbench.secondarySideBar.defaultVisibility': 'hidden',
          'security.workspace.trust.enabled': false,
          'telemetry.telemetryLevel': 'off',
          'update.mode': 'none',
          'extensions.autoUpdate': false,
          'extensions.autoCheckUpdates': false,
          'extensions.ignoreRecommendations': true,
          'chat.commandCenter.enabled': false,
          'git.enabled': false,
          'git.openRepositoryInParentFolders': 'never',
          'editor.hover.delay': 300,
          'editor.hover.sticky': true,
          'files.hotExit': 'off',
          'window.restoreWindows': 'none',
          'editor.minimap.enabled': false,
          'workbench.editor.enablePreview': false,
          ...settings,
        },
        null,
        2,
      ),
    );
  }

  start(name, cmd, argv, env) {
    const logFile = path.join(this.tmp, `${name}.log`);
    const out = fs.openSync(logFile, 'a');
    const proc = spawn(cmd, argv, { stdio: ['ignore', out, out], detached: true, env });
    fs.closeSync(out);
    const rec = { name, proc, logFile, exited: false, code: null };
    proc.on('exit', (code, signal) => {
      rec.exited = true;
      rec.code = code ?? signal;
    });
    proc.on('error', (err) => {
      rec.exited = true;
      rec.code = err.code || String(err);
    });
    this.children.push(rec);
    return rec;
  }

  async stop(rec) {
    const pid = rec.proc.pid;
    if (!pid) return;
    const kill = (signal) => {
      try {
        process.kill(-pid, signal);
      } catch {
        try {
          process.kill(pid, signal);
        } catch {
          /* gone */
        }
      }
    };
    if (!rec.exited) {
      kill('SIGTERM');
      for (let i = 0; i < 50 && !rec.exited; i++) await sleep(100);
      if (!rec.exited) kill('SIGKILL');
      for (let i = 0; i < 20 && !rec.exited; i++) await sleep(100);
    }
    // the group may outlive its leader for a moment
    try {
      process.kill(-pid, 0);
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* group is empty */
    }
  }

  runToEnd(name, cmd, argv, env, timeoutMs) {
    const rec = this.start(name, cmd, argv, env);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(async () => {
        await this.stop(rec);
        reject(new Error(`${name} timed out`));
      }, timeoutMs);
      rec.proc.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`${name} exited ${code}:\n${tail(rec.logFile)}`));
      });
    });
  }

  async installVsix(vsix) {
    await this.runToEnd(
      'install-extension',
      this.codeServer,
      [...this.commonArgs(), '--install-extension', vsix, '--force'],
      this.csEnv,
      120_000,
    );
  }

  /** `trust: true` keeps workspace trust on (the folder then opens in Restricted Mode); default: trust disabled. */
  async startCodeServer(folder, { trust = false } = {}) {
    const port = await freePort();
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    this.folder = folder;
    const cs = this.start(
      'code-server',
      this.codeServer,
      [
        ...this.commonArgs(),
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        ...(trust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        '--ignore-last-opened',
        ...(process.env.E2E_LOG_LEVEL ? ['--log', process.env.E2E_LOG_LEVEL] : []), // e.g. trace, for LSP traffic in the logs
        folder,
      ],
      this.csEnv,
    );
    this.codeServerRec = cs;
    await waitFor(
      'code-server /healthz',
      async () => {
        if (cs.exited) throw new Error(`code-server exited (${cs.code}):\n${tail(cs.logFile)}`);
        return (await httpStatus(`${this.base}/healthz`)) === 200;
      },
      60_000,
      100,
    );
  }

  async startBrowser() {
    const profile = path.join(this.tmp, 'chromium-profile');
    const chr = this.start(
      'chromium',
      this.chromiumBin,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        '--remote-debugging-address=127.0.0.1',
        '--remote-debugging-port=0',
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
        '--no-default-browser-check',
        '--disable-default-apps',
        '--disable-extensions',
        '--disable-features=Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider',
        '--window-size=1440,900',
        '--force-device-scale-factor=1',
        '--password-store=basic',
        '--use-mock-keychain',
        'about:blank',
      ],
      this.chromiumEnv,
    );
    const portFile = path.join(profile, 'DevToolsActivePort');
    const cdpPort = await waitFor(
      'chromium DevToolsActivePort',
      async () => {
        if (chr.exited) throw new Error(`chromium exited (${chr.code}):\n${tail(chr.logFile)}`);
        try {
          const p = fs.readFileSync(portFile, 'utf8').split('\n')[0].trim();
          return p ? Number.parseInt(p, 10) : null;
        } catch {
          return null;
        }
      },
      30_000,
      100,
    );
    this.browser = await this.playwright.chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`, { timeout: 30_000 });
    const context = this.browser.contexts()[0];
    const page = context.pages()[0] || (await context.newPage());
    await page.setViewportSize({ width: 1440, height: 900 });
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(m.text().slice(0, 300));
    });
    page.on('pageerror', (e) => this.consoleErrors.push(`pageerror: ${String(e).slice(0, 300)}`));
    const allowed = `127.0.0.1:${this.port}`;
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.host !== allowed) {
        this.blocked.push(url.href.slice(0, 200));
        return route.abort('blockedbyclient');
      }
      return route.continue();
    });
    this.page = page;
    return page;
  }

  async loadWorkbench() {
    await this.page.goto(`${this.base}/?folder=${encodeURIComponent(this.folder)}`, {
      waitUntil: 'domcontentloaded',
      timeout: 60_000,
    });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  }

  async cleanup() {
    if (this.cleaned) return;
    this.cleaned = true;
    await this.browser?.close().catch(() => undefined);
    for (const rec of [...this.children].reverse()) await this.stop(rec);
    if (!this.keep) fs.rmSync(this.tmp, { recursive: true, force: true });
    else this.log(`kept ${this.tmp}`);
  }
}
