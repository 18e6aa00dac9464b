// A minimal client of the Vert.x event-bus bridge.
//
// Written by hand on purpose: the official client (@vertx/eventbus-bridge-client.js) needs
// sockjs-client, and either would bring npm into the build, while the user of this project needs only
// a JDK. The bridge speaks the same JSON frames on SockJS's raw WebSocket endpoint
// (/eventbus/websocket), which the browser's own WebSocket reaches with no library:
//   in:  {type: "register" | "unregister" | "send" | "publish" | "ping", address, body, headers}
//   out: {type: "rec", address, body} for a message, {type: "err", body: "access_denied" | ...} for a refusal.
// This client only registers (the bridge permits nothing inbound), pings so that the bridge keeps
// the socket (the monitor closes sockets silent for 30 s), and reconnects with backoff when the
// monitor goes away.

const PING_MS = 5000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10000;
const MIN_SILENCE_MS = 15000;

export class BridgeClient {
  /**
   * @param url        ws:// or wss:// URL of the bridge's raw WebSocket endpoint
   * @param addresses  addresses to receive
   * @param handlers   onMessage(address, body), onState(state, detail) with state one of
   *                   connecting, connected, disconnected (waiting to retry), reconnecting (retrying),
   *                   onError(text) for an err frame
   */
  constructor(url, addresses, handlers) {
    this.url = url;
    this.addresses = addresses;
    this.handlers = handlers;
    this.socket = null;
    this.attempt = 0;
    this.everConnected = false;
    this.pingTimer = null;
    this.retryTimer = null;
    this.countdownTimer = null;
    this.lastFrameAt = 0;
    this.silenceLimitMs = MIN_SILENCE_MS;
    this.decoder = new TextDecoder();
  }

  start() {
    this.connect();
  }

  /** The longest silence (no frame at all) tolerated before the socket is presumed dead. */
  expectFramesEvery(ms) {
    this.silenceLimitMs = Math.max(MIN_SILENCE_MS, 3 * ms);
  }

  connect() {
    this.setState(this.everConnected ? 'reconnecting' : 'connecting', {attempt: this.attempt + 1});
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.scheduleRetry(String(error));
      return;
    }
    socket.binaryType = 'arraybuffer'; // the raw endpoint writes the bridge's frames as binary messages
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.everConnected = true;
      this.lastFrameAt = Date.now();
      for (const address of this.addresses) {
        this.write({type: 'register', address});
      }
      this.pingTimer = setInterval(() => this.keepAlive(), PING_MS);
      this.setState('connected', {});
    };
    socket.onmessage = event => {
      this.lastFrameAt = Date.now();
      const text = typeof event.data === 'string' ? event.data : this.decoder.decode(event.data);
      let frame;
      try {
        frame = JSON.parse(text);
      } catch (error) {
        console.warn('event-bus bridge: a frame that is not JSON', text.slice(0, 200));
        return;
      }
      if (frame.type === 'rec') {
        this.handlers.onMessage(frame.address, frame.body);
      } else if (frame.type === 'err') {
        this.handlers.onError(String(frame.body ?? frame.message ?? 'error'));
      }
    };
    // A failed or lost connection always ends in close; that is where the retry is planned.
    socket.onerror = () => {};
    socket.onclose = event => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      clearInterval(this.pingTimer);
      this.scheduleRetry(event.code === 1000 || event.code === 1005 ? 'the monitor closed the connection'
        : `connection lost (code ${event.code})`);
    };
  }

  keepAlive() {
    if (this.socket && Date.now() - this.lastFrameAt > this.silenceLimitMs) {
      // Half-open TCP (a monitor's host gone, a laptop resumed): nothing will ever arrive. Start over.
      const stale = this.socket;
      stale.onclose = null;
      stale.close();
      this.socket = null;
      clearInterval(this.pingTimer);
      this.scheduleRetry(`no message for ${Math.round((Date.now() - this.lastFrameAt) / 1000)} s`);
      return;
    }
    this.write({type: 'ping'});
  }

  write(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(frame));
    }
  }

  scheduleRetry(reason) {
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt += 1;
    const retryAt = Date.now() + delay;
    const report = () => this.setState('disconnected', {reason, retryInMs: Math.max(0, retryAt - Date.now()),
      attempt: this.attempt});
    report();
    clearInterval(this.countdownTimer);
    this.countdownTimer = setInterval(report, 1000);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      clearInterval(this.countdownTimer);
      this.connect();
    }, delay);
  }

  setState(state, detail) {
    this.handlers.onState(state, detail);
  }
}

/** The bridge's raw WebSocket URL next to the page (works behind a path prefix too). */
export function bridgeUrl(location) {
  const url = new URL('eventbus/websocket', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  return url.toString();
}
