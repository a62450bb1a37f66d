// SPDX-License-Identifier: LGPL-2.1-or-later
// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe:
// Chromium reads commands on its fd 3 and writes replies and events on its
// fd 4, each a JSON text ended by a NUL byte. No dependencies, no download.

import { spawn } from 'node:child_process';

export class Browser {
  constructor(executable, args, { log = () => {} } = {}) {
    this.log = log;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.closed = false;
    this.proc = spawn(executable, [...args, '--remote-debugging-pipe'], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => {
      this.closed = true;
      for (const { reject } of this.pending.values())
        reject(new Error(`browser exited (${code ?? signal})`));
      this.pending.clear();
      resolve({ code, signal });
    }));
    this.proc.stdout.on('data', (d) => this.log('browser', d.toString()));
    this.proc.stderr.on('data', (d) => this.log('browser', d.toString()));
    this.writer = this.proc.stdio[3];
    let buffered = Buffer.alloc(0);
    this.proc.stdio[4].on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      let end;
      while ((end = buffered.indexOf(0)) >= 0) {
        const text = buffered.subarray(0, end).toString('utf8');
        buffered = buffered.subarray(end + 1);
        this.dispatch(JSON.parse(text));
      }
    });
  }

  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p)
        return;
      this.pending.delete(msg.id);
      if (msg.error)
        p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else
        p.resolve(msg.result);
      return;
    }
    for (const l of this.listeners)
      l(msg);
  }

  send(method, params = {}, sessionId = undefined) {
    if (this.closed)
      return Promise.reject(new Error('browser is gone'));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId)
      msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.writer.write(JSON.stringify(msg) + '\0');
    });
  }

  on(listener) {
    this.listeners.push(listener);
  }

  async newPage(url) {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, targetId, sessionId);
    await page.send('Runtime.enable');
    await page.send('Page.enable');
    await page.send('Page.navigate', { url });
    return page;
  }

  async close() {
    if (this.closed)
      return;
    this.send('Browser.close').catch(() => {});
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

export class Page {
  constructor(browser, targetId, sessionId) {
    this.browser = browser;
    this.targetId = targetId;
    this.sessionId = sessionId;
  }

  send(method, params = {}) {
    return this.browser.send(method, params, this.sessionId);
  }

  // The value of an expression (awaited if it is a promise), by value.
  async evaluate(expression) {
    const r = await this.send('Runtime.evaluate', {
      expression, awaitPromise: true, returnByValue: true,
    });
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`page: ${d.exception?.description ?? d.text}`);
    }
    return r.result.value;
  }

  // Closes the tab (which ends its call).
  async close() {
    await this.browser.send('Target.closeTarget', { targetId: this.targetId })
      .catch(() => {});
  }
}
