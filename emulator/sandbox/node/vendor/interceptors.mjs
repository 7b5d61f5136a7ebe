// @mswjs/interceptors 0.41.9 (MIT, see LICENSE-interceptors.txt), bundled by build.sh: do not edit.

// node_modules/is-node-process/lib/index.mjs
function isNodeProcess() {
  if (typeof navigator !== "undefined" && navigator.product === "ReactNative") {
    return true;
  }
  if (typeof process !== "undefined") {
    const type = process.type;
    if (type === "renderer" || type === "worker") {
      return false;
    }
    return !!(process.versions && process.versions.node);
  }
  return false;
}

// node_modules/outvariant/lib/index.mjs
var POSITIONALS_EXP = /(%?)(%([sdijo]))/g;
function serializePositional(positional, flag) {
  switch (flag) {
    case "s":
      return positional;
    case "d":
    case "i":
      return Number(positional);
    case "j":
      return JSON.stringify(positional);
    case "o": {
      if (typeof positional === "string") {
        return positional;
      }
      const json = JSON.stringify(positional);
      if (json === "{}" || json === "[]" || /^\[object .+?\]$/.test(json)) {
        return positional;
      }
      return json;
    }
  }
}
function format(message, ...positionals) {
  if (positionals.length === 0) {
    return message;
  }
  let positionalIndex = 0;
  let formattedMessage = message.replace(
    POSITIONALS_EXP,
    (match, isEscaped, _, flag) => {
      const positional = positionals[positionalIndex];
      const value = serializePositional(positional, flag);
      if (!isEscaped) {
        positionalIndex++;
        return value;
      }
      return match;
    }
  );
  if (positionalIndex < positionals.length) {
    formattedMessage += ` ${positionals.slice(positionalIndex).join(" ")}`;
  }
  formattedMessage = formattedMessage.replace(/%{2,2}/g, "%");
  return formattedMessage;
}
var STACK_FRAMES_TO_IGNORE = 2;
function cleanErrorStack(error2) {
  if (!error2.stack) {
    return;
  }
  const nextStack = error2.stack.split("\n");
  nextStack.splice(1, STACK_FRAMES_TO_IGNORE);
  error2.stack = nextStack.join("\n");
}
var InvariantError = class extends Error {
  constructor(message, ...positionals) {
    super(message);
    this.message = message;
    this.name = "Invariant Violation";
    this.message = format(message, ...positionals);
    cleanErrorStack(this);
  }
};
var invariant = (predicate, message, ...positionals) => {
  if (!predicate) {
    throw new InvariantError(message, ...positionals);
  }
};
invariant.as = (ErrorConstructor, predicate, message, ...positionals) => {
  if (!predicate) {
    const formatMessage = positionals.length === 0 ? message : format(message, ...positionals);
    let error2;
    try {
      error2 = Reflect.construct(ErrorConstructor, [
        formatMessage
      ]);
    } catch (err) {
      error2 = ErrorConstructor(formatMessage);
    }
    throw error2;
  }
};

// node_modules/@open-draft/logger/lib/index.mjs
var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var colors_exports = {};
__export(colors_exports, {
  blue: () => blue,
  gray: () => gray,
  green: () => green,
  red: () => red,
  yellow: () => yellow
});
function yellow(text) {
  return `\x1B[33m${text}\x1B[0m`;
}
function blue(text) {
  return `\x1B[34m${text}\x1B[0m`;
}
function gray(text) {
  return `\x1B[90m${text}\x1B[0m`;
}
function red(text) {
  return `\x1B[31m${text}\x1B[0m`;
}
function green(text) {
  return `\x1B[32m${text}\x1B[0m`;
}
var IS_NODE = isNodeProcess();
var Logger = class {
  constructor(name) {
    this.name = name;
    this.prefix = `[${this.name}]`;
    const LOGGER_NAME = getVariable("DEBUG");
    const LOGGER_LEVEL = getVariable("LOG_LEVEL");
    const isLoggingEnabled = LOGGER_NAME === "1" || LOGGER_NAME === "true" || typeof LOGGER_NAME !== "undefined" && this.name.startsWith(LOGGER_NAME);
    if (isLoggingEnabled) {
      this.debug = isDefinedAndNotEquals(LOGGER_LEVEL, "debug") ? noop : this.debug;
      this.info = isDefinedAndNotEquals(LOGGER_LEVEL, "info") ? noop : this.info;
      this.success = isDefinedAndNotEquals(LOGGER_LEVEL, "success") ? noop : this.success;
      this.warning = isDefinedAndNotEquals(LOGGER_LEVEL, "warning") ? noop : this.warning;
      this.error = isDefinedAndNotEquals(LOGGER_LEVEL, "error") ? noop : this.error;
    } else {
      this.info = noop;
      this.success = noop;
      this.warning = noop;
      this.error = noop;
      this.only = noop;
    }
  }
  prefix;
  extend(domain) {
    return new Logger(`${this.name}:${domain}`);
  }
  /**
   * Print a debug message.
   * @example
   * logger.debug('no duplicates found, creating a document...')
   */
  debug(message, ...positionals) {
    this.logEntry({
      level: "debug",
      message: gray(message),
      positionals,
      prefix: this.prefix,
      colors: {
        prefix: "gray"
      }
    });
  }
  /**
   * Print an info message.
   * @example
   * logger.info('start parsing...')
   */
  info(message, ...positionals) {
    this.logEntry({
      level: "info",
      message,
      positionals,
      prefix: this.prefix,
      colors: {
        prefix: "blue"
      }
    });
    const performance2 = new PerformanceEntry();
    return (message2, ...positionals2) => {
      performance2.measure();
      this.logEntry({
        level: "info",
        message: `${message2} ${gray(`${performance2.deltaTime}ms`)}`,
        positionals: positionals2,
        prefix: this.prefix,
        colors: {
          prefix: "blue"
        }
      });
    };
  }
  /**
   * Print a success message.
   * @example
   * logger.success('successfully created document')
   */
  success(message, ...positionals) {
    this.logEntry({
      level: "info",
      message,
      positionals,
      prefix: `\u2714 ${this.prefix}`,
      colors: {
        timestamp: "green",
        prefix: "green"
      }
    });
  }
  /**
   * Print a warning.
   * @example
   * logger.warning('found legacy document format')
   */
  warning(message, ...positionals) {
    this.logEntry({
      level: "warning",
      message,
      positionals,
      prefix: `\u26A0 ${this.prefix}`,
      colors: {
        timestamp: "yellow",
        prefix: "yellow"
      }
    });
  }
  /**
   * Print an error message.
   * @example
   * logger.error('something went wrong')
   */
  error(message, ...positionals) {
    this.logEntry({
      level: "error",
      message,
      positionals,
      prefix: `\u2716 ${this.prefix}`,
      colors: {
        timestamp: "red",
        prefix: "red"
      }
    });
  }
  /**
   * Execute the given callback only when the logging is enabled.
   * This is skipped in its entirety and has no runtime cost otherwise.
   * This executes regardless of the log level.
   * @example
   * logger.only(() => {
   *   logger.info('additional info')
   * })
   */
  only(callback) {
    callback();
  }
  createEntry(level, message) {
    return {
      timestamp: /* @__PURE__ */ new Date(),
      level,
      message
    };
  }
  logEntry(args) {
    const {
      level,
      message,
      prefix,
      colors: customColors,
      positionals = []
    } = args;
    const entry = this.createEntry(level, message);
    const timestampColor = customColors?.timestamp || "gray";
    const prefixColor = customColors?.prefix || "gray";
    const colorize = {
      timestamp: colors_exports[timestampColor],
      prefix: colors_exports[prefixColor]
    };
    const write = this.getWriter(level);
    write(
      [colorize.timestamp(this.formatTimestamp(entry.timestamp))].concat(prefix != null ? colorize.prefix(prefix) : []).concat(serializeInput(message)).join(" "),
      ...positionals.map(serializeInput)
    );
  }
  formatTimestamp(timestamp) {
    return `${timestamp.toLocaleTimeString(
      "en-GB"
    )}:${timestamp.getMilliseconds()}`;
  }
  getWriter(level) {
    switch (level) {
      case "debug":
      case "success":
      case "info": {
        return log;
      }
      case "warning": {
        return warn;
      }
      case "error": {
        return error;
      }
    }
  }
};
var PerformanceEntry = class {
  startTime;
  endTime;
  deltaTime;
  constructor() {
    this.startTime = performance.now();
  }
  measure() {
    this.endTime = performance.now();
    const deltaTime = this.endTime - this.startTime;
    this.deltaTime = deltaTime.toFixed(2);
  }
};
var noop = () => void 0;
function log(message, ...positionals) {
  if (IS_NODE) {
    process.stdout.write(format(message, ...positionals) + "\n");
    return;
  }
  console.log(message, ...positionals);
}
function warn(message, ...positionals) {
  if (IS_NODE) {
    process.stderr.write(format(message, ...positionals) + "\n");
    return;
  }
  console.warn(message, ...positionals);
}
function error(message, ...positionals) {
  if (IS_NODE) {
    process.stderr.write(format(message, ...positionals) + "\n");
    return;
  }
  console.error(message, ...positionals);
}
function getVariable(variableName) {
  if (IS_NODE) {
    return process.env[variableName];
  }
  return globalThis[variableName]?.toString();
}
function isDefinedAndNotEquals(value, expected) {
  return value !== void 0 && value !== expected;
}
function serializeInput(message) {
  if (typeof message === "undefined") {
    return "undefined";
  }
  if (message === null) {
    return "null";
  }
  if (typeof message === "string") {
    return message;
  }
  if (typeof message === "object") {
    return JSON.stringify(message);
  }
  return message.toString();
}

// node_modules/strict-event-emitter/lib/index.mjs
var MemoryLeakError = class extends Error {
  constructor(emitter, type, count) {
    super(
      `Possible EventEmitter memory leak detected. ${count} ${type.toString()} listeners added. Use emitter.setMaxListeners() to increase limit`
    );
    this.emitter = emitter;
    this.type = type;
    this.count = count;
    this.name = "MaxListenersExceededWarning";
  }
};
var _Emitter = class {
  static listenerCount(emitter, eventName) {
    return emitter.listenerCount(eventName);
  }
  constructor() {
    this.events = /* @__PURE__ */ new Map();
    this.maxListeners = _Emitter.defaultMaxListeners;
    this.hasWarnedAboutPotentialMemoryLeak = false;
  }
  _emitInternalEvent(internalEventName, eventName, listener) {
    this.emit(
      internalEventName,
      ...[eventName, listener]
    );
  }
  _getListeners(eventName) {
    return Array.prototype.concat.apply([], this.events.get(eventName)) || [];
  }
  _removeListener(listeners, listener) {
    const index = listeners.indexOf(listener);
    if (index > -1) {
      listeners.splice(index, 1);
    }
    return [];
  }
  _wrapOnceListener(eventName, listener) {
    const onceListener = (...data) => {
      this.removeListener(eventName, onceListener);
      return listener.apply(this, data);
    };
    Object.defineProperty(onceListener, "name", { value: listener.name });
    return onceListener;
  }
  setMaxListeners(maxListeners) {
    this.maxListeners = maxListeners;
    return this;
  }
  /**
   * Returns the current max listener value for the `Emitter` which is
   * either set by `emitter.setMaxListeners(n)` or defaults to
   * `Emitter.defaultMaxListeners`.
   */
  getMaxListeners() {
    return this.maxListeners;
  }
  /**
   * Returns an array listing the events for which the emitter has registered listeners.
   * The values in the array will be strings or Symbols.
   */
  eventNames() {
    return Array.from(this.events.keys());
  }
  /**
   * Synchronously calls each of the listeners registered for the event named `eventName`,
   * in the order they were registered, passing the supplied arguments to each.
   * Returns `true` if the event has listeners, `false` otherwise.
   *
   * @example
   * const emitter = new Emitter<{ hello: [string] }>()
   * emitter.emit('hello', 'John')
   */
  emit(eventName, ...data) {
    const listeners = this._getListeners(eventName);
    listeners.forEach((listener) => {
      listener.apply(this, data);
    });
    return listeners.length > 0;
  }
  addListener(eventName, listener) {
    this._emitInternalEvent("newListener", eventName, listener);
    const nextListeners = this._getListeners(eventName).concat(listener);
    this.events.set(eventName, nextListeners);
    if (this.maxListeners > 0 && this.listenerCount(eventName) > this.maxListeners && !this.hasWarnedAboutPotentialMemoryLeak) {
      this.hasWarnedAboutPotentialMemoryLeak = true;
      const memoryLeakWarning = new MemoryLeakError(
        this,
        eventName,
        this.listenerCount(eventName)
      );
      console.warn(memoryLeakWarning);
    }
    return this;
  }
  on(eventName, listener) {
    return this.addListener(eventName, listener);
  }
  once(eventName, listener) {
    return this.addListener(
      eventName,
      this._wrapOnceListener(eventName, listener)
    );
  }
  prependListener(eventName, listener) {
    const listeners = this._getListeners(eventName);
    if (listeners.length > 0) {
      const nextListeners = [listener].concat(listeners);
      this.events.set(eventName, nextListeners);
    } else {
      this.events.set(eventName, listeners.concat(listener));
    }
    return this;
  }
  prependOnceListener(eventName, listener) {
    return this.prependListener(
      eventName,
      this._wrapOnceListener(eventName, listener)
    );
  }
  removeListener(eventName, listener) {
    const listeners = this._getListeners(eventName);
    if (listeners.length > 0) {
      this._removeListener(listeners, listener);
      this.events.set(eventName, listeners);
      this._emitInternalEvent("removeListener", eventName, listener);
    }
    return this;
  }
  /**
   * Alias for `emitter.removeListener()`.
   *
   * @example
   * emitter.off('hello', listener)
   */
  off(eventName, listener) {
    return this.removeListener(eventName, listener);
  }
  removeAllListeners(eventName) {
    if (eventName) {
      this.events.delete(eventName);
    } else {
      this.events.clear();
    }
    return this;
  }
  /**
   * Returns a copy of the array of listeners for the event named `eventName`.
   */
  listeners(eventName) {
    return Array.from(this._getListeners(eventName));
  }
  /**
   * Returns the number of listeners listening to the event named `eventName`.
   */
  listenerCount(eventName) {
    return this._getListeners(eventName).length;
  }
  rawListeners(eventName) {
    return this.listeners(eventName);
  }
};
var Emitter = _Emitter;
Emitter.defaultMaxListeners = 10;

// node_modules/@open-draft/deferred-promise/build/index.mjs
function createDeferredExecutor() {
  const executor = (resolve, reject) => {
    executor.state = "pending";
    executor.resolve = (data) => {
      if (executor.state !== "pending") {
        return;
      }
      executor.result = data;
      const onFulfilled = (value) => {
        executor.state = "fulfilled";
        return value;
      };
      return resolve(
        data instanceof Promise ? data : Promise.resolve(data).then(onFulfilled)
      );
    };
    executor.reject = (reason) => {
      if (executor.state !== "pending") {
        return;
      }
      queueMicrotask(() => {
        executor.state = "rejected";
      });
      return reject(executor.rejectionReason = reason);
    };
  };
  return executor;
}
var DeferredPromise = class extends Promise {
  #executor;
  resolve;
  reject;
  constructor(executor = null) {
    const deferredExecutor = createDeferredExecutor();
    super((originalResolve, originalReject) => {
      deferredExecutor(originalResolve, originalReject);
      executor?.(deferredExecutor.resolve, deferredExecutor.reject);
    });
    this.#executor = deferredExecutor;
    this.resolve = this.#executor.resolve;
    this.reject = this.#executor.reject;
  }
  get state() {
    return this.#executor.state;
  }
  get rejectionReason() {
    return this.#executor.rejectionReason;
  }
  then(onFulfilled, onRejected) {
    return this.#decorate(super.then(onFulfilled, onRejected));
  }
  catch(onRejected) {
    return this.#decorate(super.catch(onRejected));
  }
  finally(onfinally) {
    return this.#decorate(super.finally(onfinally));
  }
  #decorate(promise) {
    return Object.defineProperties(promise, {
      resolve: { configurable: true, value: this.resolve },
      reject: { configurable: true, value: this.reject }
    });
  }
};

// node_modules/@mswjs/interceptors/lib/node/fetchUtils-BKJ1XmiO.mjs
var INTERNAL_REQUEST_ID_HEADER_NAME = "x-interceptors-internal-request-id";
function getGlobalSymbol(symbol) {
  return globalThis[symbol] || void 0;
}
function setGlobalSymbol(symbol, value) {
  globalThis[symbol] = value;
}
function deleteGlobalSymbol(symbol) {
  delete globalThis[symbol];
}
var InterceptorReadyState = /* @__PURE__ */ (function(InterceptorReadyState$1) {
  InterceptorReadyState$1["INACTIVE"] = "INACTIVE";
  InterceptorReadyState$1["APPLYING"] = "APPLYING";
  InterceptorReadyState$1["APPLIED"] = "APPLIED";
  InterceptorReadyState$1["DISPOSING"] = "DISPOSING";
  InterceptorReadyState$1["DISPOSED"] = "DISPOSED";
  return InterceptorReadyState$1;
})({});
var Interceptor = class {
  constructor(symbol) {
    this.symbol = symbol;
    this.readyState = InterceptorReadyState.INACTIVE;
    this.emitter = new Emitter();
    this.subscriptions = [];
    this.logger = new Logger(symbol.description);
    this.emitter.setMaxListeners(0);
    this.logger.info("constructing the interceptor...");
  }
  /**
  * Determine if this interceptor can be applied
  * in the current environment.
  */
  checkEnvironment() {
    return true;
  }
  /**
  * Apply this interceptor to the current process.
  * Returns an already running interceptor instance if it's present.
  */
  apply() {
    const logger2 = this.logger.extend("apply");
    logger2.info("applying the interceptor...");
    if (this.readyState === InterceptorReadyState.APPLIED) {
      logger2.info("intercepted already applied!");
      return;
    }
    if (!this.checkEnvironment()) {
      logger2.info("the interceptor cannot be applied in this environment!");
      return;
    }
    this.readyState = InterceptorReadyState.APPLYING;
    const runningInstance = this.getInstance();
    if (runningInstance) {
      logger2.info("found a running instance, reusing...");
      this.on = (event, listener) => {
        logger2.info('proxying the "%s" listener', event);
        runningInstance.emitter.addListener(event, listener);
        this.subscriptions.push(() => {
          runningInstance.emitter.removeListener(event, listener);
          logger2.info('removed proxied "%s" listener!', event);
        });
        return this;
      };
      this.readyState = InterceptorReadyState.APPLIED;
      return;
    }
    logger2.info("no running instance found, setting up a new instance...");
    this.setup();
    this.setInstance();
    this.readyState = InterceptorReadyState.APPLIED;
  }
  /**
  * Setup the module augments and stubs necessary for this interceptor.
  * This method is not run if there's a running interceptor instance
  * to prevent instantiating an interceptor multiple times.
  */
  setup() {
  }
  /**
  * Listen to the interceptor's public events.
  */
  on(event, listener) {
    const logger2 = this.logger.extend("on");
    if (this.readyState === InterceptorReadyState.DISPOSING || this.readyState === InterceptorReadyState.DISPOSED) {
      logger2.info("cannot listen to events, already disposed!");
      return this;
    }
    logger2.info('adding "%s" event listener:', event, listener);
    this.emitter.on(event, listener);
    return this;
  }
  once(event, listener) {
    this.emitter.once(event, listener);
    return this;
  }
  off(event, listener) {
    this.emitter.off(event, listener);
    return this;
  }
  removeAllListeners(event) {
    this.emitter.removeAllListeners(event);
    return this;
  }
  /**
  * Disposes of any side-effects this interceptor has introduced.
  */
  dispose() {
    const logger2 = this.logger.extend("dispose");
    if (this.readyState === InterceptorReadyState.DISPOSED) {
      logger2.info("cannot dispose, already disposed!");
      return;
    }
    logger2.info("disposing the interceptor...");
    this.readyState = InterceptorReadyState.DISPOSING;
    if (!this.getInstance()) {
      logger2.info("no interceptors running, skipping dispose...");
      return;
    }
    this.clearInstance();
    logger2.info("global symbol deleted:", getGlobalSymbol(this.symbol));
    if (this.subscriptions.length > 0) {
      logger2.info("disposing of %d subscriptions...", this.subscriptions.length);
      for (const dispose of this.subscriptions) dispose();
      this.subscriptions = [];
      logger2.info("disposed of all subscriptions!", this.subscriptions.length);
    }
    this.emitter.removeAllListeners();
    logger2.info("destroyed the listener!");
    this.readyState = InterceptorReadyState.DISPOSED;
  }
  getInstance() {
    const instance = getGlobalSymbol(this.symbol);
    this.logger.info("retrieved global instance:", instance?.constructor?.name);
    return instance;
  }
  setInstance() {
    setGlobalSymbol(this.symbol, this);
    this.logger.info("set global instance!", this.symbol.description);
  }
  clearInstance() {
    deleteGlobalSymbol(this.symbol);
    this.logger.info("cleared global instance!", this.symbol.description);
  }
};
var InterceptorError = class InterceptorError2 extends Error {
  constructor(message) {
    super(message);
    this.name = "InterceptorError";
    Object.setPrototypeOf(this, InterceptorError2.prototype);
  }
};
var RequestController = class RequestController2 {
  static {
    this.PENDING = 0;
  }
  static {
    this.PASSTHROUGH = 1;
  }
  static {
    this.RESPONSE = 2;
  }
  static {
    this.ERROR = 3;
  }
  constructor(request, source) {
    this.request = request;
    this.source = source;
    this.readyState = RequestController2.PENDING;
    this.handled = new DeferredPromise();
  }
  get #handled() {
    return this.handled;
  }
  /**
  * Perform this request as-is.
  */
  async passthrough() {
    invariant.as(InterceptorError, this.readyState === RequestController2.PENDING, 'Failed to passthrough the "%s %s" request: the request has already been handled', this.request.method, this.request.url);
    this.readyState = RequestController2.PASSTHROUGH;
    await this.source.passthrough();
    this.#handled.resolve();
  }
  /**
  * Respond to this request with the given `Response` instance.
  *
  * @example
  * controller.respondWith(new Response())
  * controller.respondWith(Response.json({ id }))
  * controller.respondWith(Response.error())
  */
  respondWith(response) {
    invariant.as(InterceptorError, this.readyState === RequestController2.PENDING, 'Failed to respond to the "%s %s" request with "%d %s": the request has already been handled (%d)', this.request.method, this.request.url, response.status, response.statusText || "OK", this.readyState);
    this.readyState = RequestController2.RESPONSE;
    this.#handled.resolve();
    this.source.respondWith(response);
  }
  /**
  * Error this request with the given reason.
  *
  * @example
  * controller.errorWith()
  * controller.errorWith(new Error('Oops!'))
  * controller.errorWith({ message: 'Oops!'})
  */
  errorWith(reason) {
    invariant.as(InterceptorError, this.readyState === RequestController2.PENDING, 'Failed to error the "%s %s" request with "%s": the request has already been handled (%d)', this.request.method, this.request.url, reason?.toString(), this.readyState);
    this.readyState = RequestController2.ERROR;
    this.source.errorWith(reason);
    this.#handled.resolve();
  }
};
function createRequestId() {
  return Math.random().toString(16).slice(2);
}
function canParseUrl(url) {
  try {
    new URL(url);
    return true;
  } catch (_error) {
    return false;
  }
}
function getValueBySymbol(symbolName, source) {
  const symbol = Object.getOwnPropertySymbols(source).find((symbol$1) => {
    return symbol$1.description === symbolName;
  });
  if (symbol) return Reflect.get(source, symbol);
}
var FetchRequest = class FetchRequest2 extends Request {
  static #resolveProperty(input, init = {}, key) {
    return init[key] ?? (input instanceof Request ? input[key] : void 0);
  }
  /**
  * Check if the given request method is configurable.
  * @see https://fetch.spec.whatwg.org/#methods
  */
  static isConfigurableMethod(method) {
    return method !== "CONNECT" && method !== "TRACE" && method !== "TRACK";
  }
  static isMethodWithBody(method) {
    return method !== "HEAD" && method !== "GET" && FetchRequest2.isConfigurableMethod(method);
  }
  /**
  * Check if the given request `mode` is configurable.
  * @see https://fetch.spec.whatwg.org/#concept-request-mode
  */
  static isConfigurableMode(mode) {
    return mode !== "navigate" && mode !== "websocket" && mode !== "webtransport";
  }
  constructor(input, init) {
    const method = FetchRequest2.#resolveProperty(input, init, "method") || "GET";
    const safeMethod = FetchRequest2.isConfigurableMethod(method) ? method : "GET";
    const hasExplicitBody = init != null && "body" in init;
    const bodyInit = !FetchRequest2.isMethodWithBody(method) ? { body: void 0 } : hasExplicitBody ? { body: init.body } : {};
    const mode = FetchRequest2.#resolveProperty(input, init, "mode") ?? void 0;
    const safeMode = FetchRequest2.isConfigurableMode(mode) ? mode : void 0;
    super(input, {
      ...init || {},
      method: safeMethod,
      mode: safeMode,
      duplex: init?.duplex ?? (FetchRequest2.isMethodWithBody(method) ? "half" : void 0),
      ...bodyInit
    });
    if (method !== safeMethod) this.#setInternalProperty("method", method);
    if (method === "CONNECT") {
      const url = new URL(input instanceof Request ? input.url : input);
      let authority;
      if (url.protocol === "localhost:") authority = url.href;
      else authority = url.pathname.replace(/^\/+/, "");
      Object.defineProperty(this, "url", {
        get: () => authority,
        enumerable: true,
        configurable: true
      });
    }
    if (mode != null && mode !== safeMode) this.#setInternalProperty("mode", mode);
  }
  #setInternalProperty(key, value) {
    const internalState = getValueBySymbol("state", this);
    if (internalState) Reflect.set(internalState, key, value);
    else Object.defineProperty(this, key, {
      value,
      enumerable: true,
      configurable: true,
      writable: false
    });
  }
};
var kStatus = /* @__PURE__ */ Symbol("kStatus");
var kUrl = /* @__PURE__ */ Symbol("kUrl");
var FetchResponse = class FetchResponse2 extends Response {
  static {
    this.STATUS_CODES_WITHOUT_BODY = [
      101,
      103,
      204,
      205,
      304
    ];
  }
  static {
    this.STATUS_CODES_WITH_REDIRECT = [
      301,
      302,
      303,
      307,
      308
    ];
  }
  static isConfigurableStatusCode(status) {
    return status >= 200 && status <= 599;
  }
  static isRedirectResponse(status) {
    return FetchResponse2.STATUS_CODES_WITH_REDIRECT.includes(status);
  }
  /**
  * Returns a boolean indicating whether the given response status
  * code represents a response that can have a body.
  */
  static isResponseWithBody(status) {
    return !FetchResponse2.STATUS_CODES_WITHOUT_BODY.includes(status);
  }
  static setStatus(status, response) {
    const internalState = getValueBySymbol("state", response);
    if (internalState) internalState.status = status;
    else Object.defineProperty(response, "status", {
      value: status,
      enumerable: true,
      configurable: true,
      writable: false
    });
    Object.defineProperty(response, kStatus, {
      value: status,
      enumerable: false
    });
  }
  static setUrl(url, response) {
    if (!url || url === "about:" || !canParseUrl(url)) return;
    const state = getValueBySymbol("state", response);
    if (state) state.urlList.push(new URL(url));
    else Object.defineProperty(response, "url", {
      value: url,
      enumerable: true,
      configurable: true,
      writable: false
    });
    Object.defineProperty(response, kUrl, {
      value: url,
      enumerable: false
    });
  }
  /**
  * Parses the given raw HTTP headers into a Fetch API `Headers` instance.
  */
  static parseRawHeaders(rawHeaders) {
    const headers = new Headers();
    for (let line = 0; line < rawHeaders.length; line += 2) headers.append(rawHeaders[line], rawHeaders[line + 1]);
    return headers;
  }
  /**
  * Safely clones the given `Response`.
  * Coerces response clone exceptions into 500 mocked responses.
  * Handy in the environments that introduce arbitrary response
  * cloning restrictions, like "101 Switching Protocols" cloning
  * in "miniflare".
  */
  static clone(response) {
    try {
      return response.clone();
    } catch (error2) {
      return Response.json(error2 instanceof Error ? {
        name: error2.name,
        message: error2.message,
        stack: error2.stack
      } : {}, {
        status: 500,
        statusText: "Unclonable Response"
      });
    }
  }
  constructor(body, init = {}) {
    const status = init.status ?? 200;
    const safeStatus = FetchResponse2.isConfigurableStatusCode(status) ? status : 200;
    const finalBody = FetchResponse2.isResponseWithBody(status) ? body : null;
    super(finalBody, {
      status: safeStatus,
      statusText: init.statusText,
      headers: init.headers
    });
    if (status !== safeStatus) FetchResponse2.setStatus(status, this);
    FetchResponse2.setUrl(init.url, this);
  }
  clone() {
    const clonedResponse = super.clone();
    const customStatus = Reflect.get(this, kStatus);
    if (customStatus) FetchResponse2.setStatus(customStatus, clonedResponse);
    const customUrl = Reflect.get(this, kUrl);
    if (customUrl) FetchResponse2.setUrl(customUrl, clonedResponse);
    return clonedResponse;
  }
};

// node_modules/@mswjs/interceptors/lib/node/getRawRequest-C2-1urzA.mjs
var kRawRequest = /* @__PURE__ */ Symbol("kRawRequest");
function setRawRequest(request, rawRequest) {
  Reflect.set(request, kRawRequest, rawRequest);
}

// node_modules/@open-draft/until/lib/index.mjs
var until = async (promise) => {
  try {
    const data = await promise().catch((error2) => {
      throw error2;
    });
    return { error: null, data };
  } catch (error2) {
    return { error: error2, data: null };
  }
};

// node_modules/@mswjs/interceptors/lib/node/handleRequest-FIQv5pwH.mjs
function isPropertyAccessible(obj, key) {
  try {
    obj[key];
    return true;
  } catch {
    return false;
  }
}
async function emitAsync(emitter, eventName, ...data) {
  const listeners = emitter.listeners(eventName);
  if (listeners.length === 0) return;
  for (const listener of listeners) await listener.apply(emitter, data);
}
function isObject(value, loose = false) {
  return loose ? Object.prototype.toString.call(value).startsWith("[object ") : Object.prototype.toString.call(value) === "[object Object]";
}
function createServerErrorResponse(body) {
  return new Response(JSON.stringify(body instanceof Error ? {
    name: body.name,
    message: body.message,
    stack: body.stack
  } : body), {
    status: 500,
    statusText: "Unhandled Exception",
    headers: { "Content-Type": "application/json" }
  });
}
function isResponseError(response) {
  return response != null && response instanceof Response && isPropertyAccessible(response, "type") && response.type === "error";
}
function isResponseLike(value) {
  return isObject(value, true) && isPropertyAccessible(value, "status") && isPropertyAccessible(value, "statusText") && isPropertyAccessible(value, "bodyUsed");
}
function isNodeLikeError(error2) {
  if (error2 == null) return false;
  if (!(error2 instanceof Error)) return false;
  return "code" in error2 && "errno" in error2;
}
async function handleRequest(options) {
  const handleResponse = async (response) => {
    if (response instanceof Error) {
      await options.controller.errorWith(response);
      return true;
    }
    if (isResponseError(response)) {
      await options.controller.respondWith(response);
      return true;
    }
    if (isResponseLike(response)) {
      await options.controller.respondWith(response);
      return true;
    }
    if (isObject(response)) {
      await options.controller.errorWith(response);
      return true;
    }
    return false;
  };
  const handleResponseError = async (error2) => {
    if (error2 instanceof InterceptorError) throw result.error;
    if (isNodeLikeError(error2)) {
      await options.controller.errorWith(error2);
      return true;
    }
    if (error2 instanceof Response) return await handleResponse(error2);
    return false;
  };
  const requestAbortPromise = new DeferredPromise();
  const onAbort = () => {
    requestAbortPromise.reject(options.request.signal?.reason);
  };
  if (options.request.signal) {
    if (options.request.signal.aborted) {
      await options.controller.errorWith(options.request.signal.reason);
      return;
    }
    options.request.signal.addEventListener("abort", onAbort, { once: true });
  }
  const result = await until(async () => {
    const requestListenersPromise = emitAsync(options.emitter, "request", {
      requestId: options.requestId,
      request: options.request,
      controller: options.controller
    });
    await Promise.race([
      requestAbortPromise,
      requestListenersPromise,
      options.controller.handled
    ]);
  });
  options.request.signal?.removeEventListener("abort", onAbort);
  if (requestAbortPromise.state === "rejected") {
    await options.controller.errorWith(requestAbortPromise.rejectionReason);
    return;
  }
  if (result.error) {
    if (await handleResponseError(result.error)) return;
    if (options.emitter.listenerCount("unhandledException") > 0) {
      const unhandledExceptionController = new RequestController(options.request, {
        passthrough() {
        },
        async respondWith(response) {
          await handleResponse(response);
        },
        async errorWith(reason) {
          await options.controller.errorWith(reason);
        }
      });
      await emitAsync(options.emitter, "unhandledException", {
        error: result.error,
        request: options.request,
        requestId: options.requestId,
        controller: unhandledExceptionController
      });
      if (unhandledExceptionController.readyState !== RequestController.PENDING) return;
    }
    await options.controller.respondWith(createServerErrorResponse(result.error));
    return;
  }
  if (options.controller.readyState === RequestController.PENDING) return await options.controller.passthrough();
  return options.controller.handled;
}

// node_modules/@mswjs/interceptors/lib/node/node-lsdNwZEW.mjs
var kRawRequestBodyStream = /* @__PURE__ */ Symbol("kRawRequestBodyStream");
function setRawRequestBodyStream(request, stream) {
  Reflect.set(request, kRawRequestBodyStream, stream);
}

// node_modules/@mswjs/interceptors/lib/node/ClientRequest-DGhBX21V.mjs
import http, { IncomingMessage, STATUS_CODES, ServerResponse, globalAgent } from "node:http";
import https, { globalAgent as globalAgent$1 } from "node:https";
import net from "node:net";
import { HTTPParser } from "_http_common";
import { Readable } from "node:stream";
import { URL as URL$1, parse, urlToHttpOptions } from "node:url";
import { Agent } from "http";
function normalizeSocketWriteArgs(args) {
  const normalized = [
    args[0],
    void 0,
    void 0
  ];
  if (typeof args[1] === "string") normalized[1] = args[1];
  else if (typeof args[1] === "function") normalized[2] = args[1];
  if (typeof args[2] === "function") normalized[2] = args[2];
  return normalized;
}
var MockSocket = class extends net.Socket {
  constructor(options) {
    super();
    this.options = options;
    this.connecting = false;
    this.connect();
    this._final = (callback) => {
      callback(null);
    };
  }
  connect() {
    this.connecting = true;
    return this;
  }
  write(...args) {
    const [chunk, encoding, callback] = normalizeSocketWriteArgs(args);
    this.options.write(chunk, encoding, callback);
    return true;
  }
  end(...args) {
    const [chunk, encoding, callback] = normalizeSocketWriteArgs(args);
    this.options.write(chunk, encoding, callback);
    return super.end.apply(this, args);
  }
  push(chunk, encoding) {
    this.options.read(chunk, encoding);
    return super.push(chunk, encoding);
  }
};
function baseUrlFromConnectionOptions(options) {
  if ("href" in options) return new URL(options.href);
  const protocol = options.port === 443 ? "https:" : "http:";
  const host = options.host;
  const url = new URL(`${protocol}//${host}`);
  if (options.port) url.port = options.port.toString();
  if (options.path) url.pathname = options.path;
  if (options.auth) {
    const [username, password] = options.auth.split(":");
    url.username = username;
    url.password = password;
  }
  return url;
}
var kRawHeaders = /* @__PURE__ */ Symbol("kRawHeaders");
var kRestorePatches = /* @__PURE__ */ Symbol("kRestorePatches");
function recordRawHeader(headers, args, behavior) {
  ensureRawHeadersSymbol(headers, []);
  const rawHeaders = Reflect.get(headers, kRawHeaders);
  if (behavior === "set") {
    for (let index = rawHeaders.length - 1; index >= 0; index--) if (rawHeaders[index][0].toLowerCase() === args[0].toLowerCase()) rawHeaders.splice(index, 1);
  }
  rawHeaders.push(args);
}
function ensureRawHeadersSymbol(headers, rawHeaders) {
  if (Reflect.has(headers, kRawHeaders)) return;
  defineRawHeadersSymbol(headers, rawHeaders);
}
function defineRawHeadersSymbol(headers, rawHeaders) {
  Object.defineProperty(headers, kRawHeaders, {
    value: rawHeaders,
    enumerable: false,
    configurable: true
  });
}
function recordRawFetchHeaders() {
  if (Reflect.get(Headers, kRestorePatches)) return Reflect.get(Headers, kRestorePatches);
  const { Headers: OriginalHeaders, Request: OriginalRequest, Response: OriginalResponse } = globalThis;
  const { set, append, delete: headersDeleteMethod } = Headers.prototype;
  Object.defineProperty(Headers, kRestorePatches, {
    value: () => {
      Headers.prototype.set = set;
      Headers.prototype.append = append;
      Headers.prototype.delete = headersDeleteMethod;
      globalThis.Headers = OriginalHeaders;
      globalThis.Request = OriginalRequest;
      globalThis.Response = OriginalResponse;
      Object.setPrototypeOf(FetchRequest, OriginalRequest);
      Object.setPrototypeOf(FetchRequest.prototype, OriginalRequest.prototype);
      Object.setPrototypeOf(FetchResponse, OriginalResponse);
      Object.setPrototypeOf(FetchResponse.prototype, OriginalResponse.prototype);
      Reflect.deleteProperty(Headers, kRestorePatches);
    },
    enumerable: false,
    configurable: true
  });
  Object.defineProperty(globalThis, "Headers", {
    enumerable: true,
    writable: true,
    value: new Proxy(Headers, { construct(target, args, newTarget) {
      const headersInit = args[0] || [];
      if (headersInit instanceof Headers && Reflect.has(headersInit, kRawHeaders)) {
        const sanitizedHeaders = Reflect.get(headersInit, kRawHeaders).map((tuple) => [tuple[0], tuple[1]]);
        const headers$1 = Reflect.construct(target, [sanitizedHeaders], newTarget);
        ensureRawHeadersSymbol(headers$1, [...sanitizedHeaders]);
        return headers$1;
      }
      const headers = Reflect.construct(target, args, newTarget);
      if (!Reflect.has(headers, kRawHeaders)) ensureRawHeadersSymbol(headers, Array.isArray(headersInit) ? headersInit : Object.entries(headersInit));
      return headers;
    } })
  });
  Headers.prototype.set = new Proxy(Headers.prototype.set, { apply(target, thisArg, args) {
    recordRawHeader(thisArg, [args[0], args[1]], "set");
    return Reflect.apply(target, thisArg, args);
  } });
  Headers.prototype.append = new Proxy(Headers.prototype.append, { apply(target, thisArg, args) {
    recordRawHeader(thisArg, [args[0], args[1]], "append");
    return Reflect.apply(target, thisArg, args);
  } });
  Headers.prototype.delete = new Proxy(Headers.prototype.delete, { apply(target, thisArg, args) {
    const rawHeaders = Reflect.get(thisArg, kRawHeaders);
    if (rawHeaders) {
      for (let index = rawHeaders.length - 1; index >= 0; index--) if (rawHeaders[index][0].toLowerCase() === args[0].toLowerCase()) rawHeaders.splice(index, 1);
    }
    return Reflect.apply(target, thisArg, args);
  } });
  Object.defineProperty(globalThis, "Request", {
    enumerable: true,
    writable: true,
    value: new Proxy(Request, { construct(target, args, newTarget) {
      const request = Reflect.construct(target, args, newTarget);
      const inferredRawHeaders = [];
      if (typeof args[0] === "object" && args[0].headers != null) inferredRawHeaders.push(...inferRawHeaders(args[0].headers));
      if (typeof args[1] === "object" && args[1].headers != null) inferredRawHeaders.push(...inferRawHeaders(args[1].headers));
      if (inferredRawHeaders.length > 0) ensureRawHeadersSymbol(request.headers, inferredRawHeaders);
      return request;
    } })
  });
  Object.defineProperty(globalThis, "Response", {
    enumerable: true,
    writable: true,
    value: new Proxy(Response, { construct(target, args, newTarget) {
      const response = Reflect.construct(target, args, newTarget);
      if (typeof args[1] === "object" && args[1].headers != null) ensureRawHeadersSymbol(response.headers, inferRawHeaders(args[1].headers));
      return response;
    } })
  });
  Object.setPrototypeOf(FetchRequest, globalThis.Request);
  Object.setPrototypeOf(FetchRequest.prototype, globalThis.Request.prototype);
  Object.setPrototypeOf(FetchResponse, globalThis.Response);
  Object.setPrototypeOf(FetchResponse.prototype, globalThis.Response.prototype);
}
function restoreHeadersPrototype() {
  if (!Reflect.get(Headers, kRestorePatches)) return;
  Reflect.get(Headers, kRestorePatches)();
}
function getRawFetchHeaders(headers) {
  if (!Reflect.has(headers, kRawHeaders)) return Array.from(headers.entries());
  const rawHeaders = Reflect.get(headers, kRawHeaders);
  return rawHeaders.length > 0 ? rawHeaders : Array.from(headers.entries());
}
function inferRawHeaders(headers) {
  if (headers instanceof Headers) return Reflect.get(headers, kRawHeaders) || [];
  return Reflect.get(new Headers(headers), kRawHeaders);
}
function freeParser(parser, socket) {
  if (parser._consumed) parser.unconsume();
  parser._headers = [];
  parser._url = "";
  parser.socket = null;
  parser.incoming = null;
  parser.outgoing = null;
  parser.maxHeaderPairs = 2e3;
  parser._consumed = false;
  parser.onIncoming = null;
  parser[HTTPParser.kOnHeaders] = null;
  parser[HTTPParser.kOnHeadersComplete] = null;
  parser[HTTPParser.kOnMessageBegin] = null;
  parser[HTTPParser.kOnMessageComplete] = null;
  parser[HTTPParser.kOnBody] = null;
  parser[HTTPParser.kOnExecute] = null;
  parser[HTTPParser.kOnTimeout] = null;
  parser.remove();
  parser.free();
  if (socket)
    if (socket.destroyed) socket.parser = null;
    else socket.once("end", () => {
      socket.parser = null;
    });
}
var kRequestId = /* @__PURE__ */ Symbol("kRequestId");
var MockHttpSocket = class extends MockSocket {
  constructor(options) {
    super({
      write: (chunk, encoding, callback) => {
        if (this.socketState !== "passthrough") this.writeBuffer.push([
          chunk,
          encoding,
          callback
        ]);
        if (chunk) {
          if (this.socketState === "passthrough") this.originalSocket?.write(chunk, encoding, callback);
          this.requestParser.execute(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
        }
      },
      read: (chunk) => {
        if (chunk !== null)
          this.responseParser.execute(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      }
    });
    this.requestRawHeadersBuffer = [];
    this.responseRawHeadersBuffer = [];
    this.writeBuffer = [];
    this.socketState = "unknown";
    this.onRequestHeaders = (rawHeaders) => {
      this.requestRawHeadersBuffer.push(...rawHeaders);
    };
    this.onRequestStart = (versionMajor, versionMinor, rawHeaders, _, path, __, ___, ____, shouldKeepAlive) => {
      this.shouldKeepAlive = shouldKeepAlive;
      const url = new URL(path || "", this.baseUrl);
      const method = this.connectionOptions.method?.toUpperCase() || "GET";
      const headers = FetchResponse.parseRawHeaders([...this.requestRawHeadersBuffer, ...rawHeaders || []]);
      this.requestRawHeadersBuffer.length = 0;
      const canHaveBody = method !== "GET" && method !== "HEAD";
      if (url.username || url.password) {
        if (!headers.has("authorization")) headers.set("authorization", `Basic ${url.username}:${url.password}`);
        url.username = "";
        url.password = "";
      }
      this.requestStream = new Readable({ read: () => {
        this.flushWriteBuffer();
      } });
      const requestId = createRequestId();
      this.request = new FetchRequest(url, {
        method,
        headers,
        credentials: "same-origin",
        duplex: canHaveBody ? "half" : void 0,
        body: canHaveBody ? Readable.toWeb(this.requestStream) : null
      });
      Reflect.set(this.request, kRequestId, requestId);
      setRawRequest(this.request, Reflect.get(this, "_httpMessage"));
      setRawRequestBodyStream(this.request, this.requestStream);
      if (this.request.headers.has(INTERNAL_REQUEST_ID_HEADER_NAME)) {
        this.passthrough();
        return;
      }
      this.onRequest({
        requestId,
        request: this.request,
        socket: this
      });
    };
    this.onResponseHeaders = (rawHeaders) => {
      this.responseRawHeadersBuffer.push(...rawHeaders);
    };
    this.onResponseStart = (versionMajor, versionMinor, rawHeaders, method, url, status, statusText) => {
      const headers = FetchResponse.parseRawHeaders([...this.responseRawHeadersBuffer, ...rawHeaders || []]);
      this.responseRawHeadersBuffer.length = 0;
      const response = new FetchResponse(
        /**
        * @note The Fetch API response instance exposed to the consumer
        * is created over the response stream of the HTTP parser. It is NOT
        * related to the Socket instance. This way, you can read response body
        * in response listener while the Socket instance delays the emission
        * of "end" and other events until those response listeners are finished.
        */
        FetchResponse.isResponseWithBody(status) ? Readable.toWeb(this.responseStream = new Readable({ read() {
        } })) : null,
        {
          url,
          status,
          statusText,
          headers
        }
      );
      invariant(this.request, "Failed to handle a response: request does not exist");
      FetchResponse.setUrl(this.request.url, response);
      if (this.request.headers.has(INTERNAL_REQUEST_ID_HEADER_NAME)) return;
      this.responseListenersPromise = this.onResponse({
        response,
        isMockedResponse: this.socketState === "mock",
        requestId: Reflect.get(this.request, kRequestId),
        request: this.request,
        socket: this
      });
    };
    this.connectionOptions = options.connectionOptions;
    this.createConnection = options.createConnection;
    this.onRequest = options.onRequest;
    this.onResponse = options.onResponse;
    this.baseUrl = baseUrlFromConnectionOptions(this.connectionOptions);
    this.requestParser = new HTTPParser();
    this.requestParser.initialize(HTTPParser.REQUEST, {});
    this.requestParser[HTTPParser.kOnHeaders] = this.onRequestHeaders.bind(this);
    this.requestParser[HTTPParser.kOnHeadersComplete] = this.onRequestStart.bind(this);
    this.requestParser[HTTPParser.kOnBody] = this.onRequestBody.bind(this);
    this.requestParser[HTTPParser.kOnMessageComplete] = this.onRequestEnd.bind(this);
    this.responseParser = new HTTPParser();
    this.responseParser.initialize(HTTPParser.RESPONSE, {});
    this.responseParser[HTTPParser.kOnHeaders] = this.onResponseHeaders.bind(this);
    this.responseParser[HTTPParser.kOnHeadersComplete] = this.onResponseStart.bind(this);
    this.responseParser[HTTPParser.kOnBody] = this.onResponseBody.bind(this);
    this.responseParser[HTTPParser.kOnMessageComplete] = this.onResponseEnd.bind(this);
    this.once("finish", () => freeParser(this.requestParser, this));
    if (this.baseUrl.protocol === "https:") {
      Reflect.set(this, "encrypted", true);
      Reflect.set(this, "authorized", false);
      Reflect.set(this, "getProtocol", () => "TLSv1.3");
      Reflect.set(this, "getSession", () => void 0);
      Reflect.set(this, "isSessionReused", () => false);
      Reflect.set(this, "getCipher", () => ({
        name: "AES256-SHA",
        standardName: "TLS_RSA_WITH_AES_256_CBC_SHA",
        version: "TLSv1.3"
      }));
    }
  }
  emit(event, ...args) {
    const emitEvent = super.emit.bind(this, event, ...args);
    if (this.responseListenersPromise) {
      this.responseListenersPromise.finally(emitEvent);
      return this.listenerCount(event) > 0;
    }
    return emitEvent();
  }
  destroy(error2) {
    freeParser(this.responseParser, this);
    if (error2) this.emit("error", error2);
    return super.destroy(error2);
  }
  /**
  * Establish this Socket connection as-is and pipe
  * its data/events through this Socket.
  */
  passthrough() {
    this.socketState = "passthrough";
    if (this.destroyed) return;
    const socket = this.createConnection();
    this.originalSocket = socket;
    if ("_handle" in socket) Object.defineProperty(this, "_handle", {
      value: socket._handle,
      enumerable: true,
      writable: true
    });
    this.once("close", () => {
      socket.removeAllListeners();
      if (!socket.destroyed) socket.destroy();
      this.originalSocket = void 0;
    });
    this.address = socket.address.bind(socket);
    let writeArgs;
    let headersWritten = false;
    while (writeArgs = this.writeBuffer.shift()) if (writeArgs !== void 0) {
      if (!headersWritten) {
        const [chunk, encoding, callback] = writeArgs;
        const chunkString = chunk.toString();
        const chunkBeforeRequestHeaders = chunkString.slice(0, chunkString.indexOf("\r\n") + 2);
        const chunkAfterRequestHeaders = chunkString.slice(chunk.indexOf("\r\n\r\n"));
        const headersChunk = `${chunkBeforeRequestHeaders}${getRawFetchHeaders(this.request.headers).filter(([name]) => {
          return name.toLowerCase() !== INTERNAL_REQUEST_ID_HEADER_NAME;
        }).map(([name, value]) => `${name}: ${value}`).join("\r\n")}${chunkAfterRequestHeaders}`;
        socket.write(headersChunk, encoding, callback);
        headersWritten = true;
        continue;
      }
      socket.write(...writeArgs);
    }
    if (Reflect.get(socket, "encrypted")) [
      "encrypted",
      "authorized",
      "getProtocol",
      "getSession",
      "isSessionReused",
      "getCipher"
    ].forEach((propertyName) => {
      Object.defineProperty(this, propertyName, {
        enumerable: true,
        get: () => {
          const value = Reflect.get(socket, propertyName);
          return typeof value === "function" ? value.bind(socket) : value;
        }
      });
    });
    socket.on("lookup", (...args) => this.emit("lookup", ...args)).on("connect", () => {
      this.connecting = socket.connecting;
      this.emit("connect");
    }).on("secureConnect", () => this.emit("secureConnect")).on("secure", () => this.emit("secure")).on("session", (session) => this.emit("session", session)).on("ready", () => this.emit("ready")).on("drain", () => this.emit("drain")).on("data", (chunk) => {
      this.push(chunk);
    }).on("error", (error2) => {
      Reflect.set(this, "_hadError", Reflect.get(socket, "_hadError"));
      this.emit("error", error2);
    }).on("resume", () => this.emit("resume")).on("timeout", () => this.emit("timeout")).on("prefinish", () => this.emit("prefinish")).on("finish", () => this.emit("finish")).on("close", (hadError) => this.emit("close", hadError)).on("end", () => this.emit("end"));
  }
  /**
  * Convert the given Fetch API `Response` instance to an
  * HTTP message and push it to the socket.
  */
  async respondWith(response) {
    if (this.destroyed) return;
    invariant(this.socketState !== "mock", '[MockHttpSocket] Failed to respond to the "%s %s" request with "%s %s": the request has already been handled', this.request?.method, this.request?.url, response.status, response.statusText);
    if (isPropertyAccessible(response, "type") && response.type === "error") {
      this.errorWith(/* @__PURE__ */ new TypeError("Network error"));
      return;
    }
    this.mockConnect();
    this.socketState = "mock";
    this.flushWriteBuffer();
    const serverResponse = new ServerResponse(new IncomingMessage(this));
    serverResponse.assignSocket(new MockSocket({
      write: (chunk, encoding, callback) => {
        this.push(chunk, encoding);
        callback?.();
      },
      read() {
      }
    }));
    serverResponse.removeHeader("connection");
    serverResponse.removeHeader("date");
    const rawResponseHeaders = getRawFetchHeaders(response.headers);
    serverResponse.writeHead(response.status, response.statusText || STATUS_CODES[response.status], rawResponseHeaders);
    this.once("error", () => {
      serverResponse.destroy();
    });
    if (response.body) try {
      const reader = response.body.getReader();
      while (true) {
        const { done, value } = await reader.read();
        if (done) {
          serverResponse.end();
          break;
        }
        serverResponse.write(value);
      }
    } catch (error2) {
      if (error2 instanceof Error) {
        serverResponse.destroy();
        this.destroy();
        return;
      }
      serverResponse.destroy();
      throw error2;
    }
    else serverResponse.end();
    if (!this.shouldKeepAlive) {
      this.emit("readable");
      this.responseStream?.push(null);
      this.push(null);
    }
  }
  /**
  * Close this socket connection with the given error.
  */
  errorWith(error2) {
    this.destroy(error2);
  }
  mockConnect() {
    this.connecting = false;
    const isIPv6 = net.isIPv6(this.connectionOptions.hostname) || this.connectionOptions.family === 6;
    const addressInfo = {
      address: isIPv6 ? "::1" : "127.0.0.1",
      family: isIPv6 ? "IPv6" : "IPv4",
      port: this.connectionOptions.port
    };
    this.address = () => addressInfo;
    this.emit("lookup", null, addressInfo.address, addressInfo.family === "IPv6" ? 6 : 4, this.connectionOptions.host);
    this.emit("connect");
    this.emit("ready");
    if (this.baseUrl.protocol === "https:") {
      this.emit("secure");
      this.emit("secureConnect");
      this.emit("session", this.connectionOptions.session || Buffer.from("mock-session-renegotiate"));
      this.emit("session", Buffer.from("mock-session-resume"));
    }
  }
  flushWriteBuffer() {
    for (const writeCall of this.writeBuffer) if (typeof writeCall[2] === "function") {
      writeCall[2]();
      writeCall[2] = void 0;
    }
  }
  onRequestBody(chunk) {
    invariant(this.requestStream, "Failed to write to a request stream: stream does not exist");
    this.requestStream.push(chunk);
  }
  onRequestEnd() {
    if (this.requestStream) this.requestStream.push(null);
  }
  onResponseBody(chunk) {
    invariant(this.responseStream, "Failed to write to a response stream: stream does not exist");
    this.responseStream.push(chunk);
  }
  onResponseEnd() {
    if (this.responseStream) this.responseStream.push(null);
  }
};
var MockAgent = class extends http.Agent {
  constructor(options) {
    super();
    this.customAgent = options.customAgent;
    this.onRequest = options.onRequest;
    this.onResponse = options.onResponse;
  }
  createConnection(options, callback) {
    const createConnection = this.customAgent instanceof http.Agent ? this.customAgent.createConnection : super.createConnection;
    const createConnectionOptions = this.customAgent instanceof http.Agent ? {
      ...options,
      ...this.customAgent.options
    } : options;
    return new MockHttpSocket({
      connectionOptions: options,
      createConnection: createConnection.bind(this.customAgent || this, createConnectionOptions, callback),
      onRequest: this.onRequest.bind(this),
      onResponse: this.onResponse.bind(this)
    });
  }
};
var MockHttpsAgent = class extends https.Agent {
  constructor(options) {
    super();
    this.customAgent = options.customAgent;
    this.onRequest = options.onRequest;
    this.onResponse = options.onResponse;
  }
  createConnection(options, callback) {
    const createConnection = this.customAgent instanceof http.Agent ? this.customAgent.createConnection : super.createConnection;
    const createConnectionOptions = this.customAgent instanceof http.Agent ? {
      ...options,
      ...this.customAgent.options
    } : options;
    return new MockHttpSocket({
      connectionOptions: options,
      createConnection: createConnection.bind(this.customAgent || this, createConnectionOptions, callback),
      onRequest: this.onRequest.bind(this),
      onResponse: this.onResponse.bind(this)
    });
  }
};
var logger$2 = new Logger("utils getUrlByRequestOptions");
var DEFAULT_PATH = "/";
var DEFAULT_PROTOCOL = "http:";
var DEFAULT_HOSTNAME = "localhost";
var SSL_PORT = 443;
function getAgent(options) {
  return options.agent instanceof Agent ? options.agent : void 0;
}
function getProtocolByRequestOptions(options) {
  if (options.protocol) return options.protocol;
  const agentProtocol = getAgent(options)?.protocol;
  if (agentProtocol) return agentProtocol;
  const port = getPortByRequestOptions(options);
  return options.cert || port === SSL_PORT ? "https:" : options.uri?.protocol || DEFAULT_PROTOCOL;
}
function getPortByRequestOptions(options) {
  if (options.port) return Number(options.port);
  const agent = getAgent(options);
  if (agent?.options.port) return Number(agent.options.port);
  if (agent?.defaultPort) return Number(agent.defaultPort);
}
function getAuthByRequestOptions(options) {
  if (options.auth) {
    const [username, password] = options.auth.split(":");
    return {
      username,
      password
    };
  }
}
function isRawIPv6Address(host) {
  return host.includes(":") && !host.startsWith("[") && !host.endsWith("]");
}
function getHostname(options) {
  let host = options.hostname || options.host;
  if (host) {
    if (isRawIPv6Address(host)) host = `[${host}]`;
    return new URL(`http://${host}`).hostname;
  }
  return DEFAULT_HOSTNAME;
}
function getUrlByRequestOptions(options) {
  logger$2.info("request options", options);
  if (options.uri) {
    logger$2.info('constructing url from explicitly provided "options.uri": %s', options.uri);
    return new URL(options.uri.href);
  }
  logger$2.info("figuring out url from request options...");
  const protocol = getProtocolByRequestOptions(options);
  logger$2.info("protocol", protocol);
  const port = getPortByRequestOptions(options);
  logger$2.info("port", port);
  const hostname = getHostname(options);
  logger$2.info("hostname", hostname);
  const path = options.path || DEFAULT_PATH;
  logger$2.info("path", path);
  const credentials = getAuthByRequestOptions(options);
  logger$2.info("credentials", credentials);
  const authString = credentials ? `${credentials.username}:${credentials.password}@` : "";
  logger$2.info("auth string:", authString);
  const portString = typeof port !== "undefined" ? `:${port}` : "";
  const url = new URL(`${protocol}//${hostname}${portString}${path}`);
  url.username = credentials?.username || "";
  url.password = credentials?.password || "";
  logger$2.info("created url:", url);
  return url;
}
var logger$1 = new Logger("cloneObject");
function isPlainObject(obj) {
  logger$1.info("is plain object?", obj);
  if (obj == null || !obj.constructor?.name) {
    logger$1.info("given object is undefined, not a plain object...");
    return false;
  }
  logger$1.info("checking the object constructor:", obj.constructor.name);
  return obj.constructor.name === "Object";
}
function cloneObject(obj) {
  logger$1.info("cloning object:", obj);
  const enumerableProperties = Object.entries(obj).reduce((acc, [key, value]) => {
    logger$1.info("analyzing key-value pair:", key, value);
    acc[key] = isPlainObject(value) ? cloneObject(value) : value;
    return acc;
  }, {});
  return isPlainObject(obj) ? enumerableProperties : Object.assign(Object.getPrototypeOf(obj), enumerableProperties);
}
var logger = new Logger("http normalizeClientRequestArgs");
function resolveRequestOptions(args, url) {
  if (typeof args[1] === "undefined" || typeof args[1] === "function") {
    logger.info("request options not provided, deriving from the url", url);
    return urlToHttpOptions(url);
  }
  if (args[1]) {
    logger.info("has custom RequestOptions!", args[1]);
    const requestOptionsFromUrl = urlToHttpOptions(url);
    logger.info("derived RequestOptions from the URL:", requestOptionsFromUrl);
    logger.info("cloning RequestOptions...");
    const clonedRequestOptions = cloneObject(args[1]);
    logger.info("successfully cloned RequestOptions!", clonedRequestOptions);
    return {
      ...requestOptionsFromUrl,
      ...clonedRequestOptions
    };
  }
  logger.info("using an empty object as request options");
  return {};
}
function overrideUrlByRequestOptions(url, options) {
  url.host = options.host || url.host;
  url.hostname = options.hostname || url.hostname;
  url.port = options.port ? options.port.toString() : url.port;
  if (options.path) {
    const parsedOptionsPath = parse(options.path, false);
    url.pathname = parsedOptionsPath.pathname || "";
    url.search = parsedOptionsPath.search || "";
  }
  return url;
}
function resolveCallback(args) {
  return typeof args[1] === "function" ? args[1] : args[2];
}
function normalizeClientRequestArgs(defaultProtocol, args) {
  let url;
  let options;
  let callback;
  logger.info("arguments", args);
  logger.info("using default protocol:", defaultProtocol);
  if (args.length === 0) {
    const url$1 = new URL$1("http://localhost");
    return [url$1, resolveRequestOptions(args, url$1)];
  }
  if (typeof args[0] === "string") {
    logger.info("first argument is a location string:", args[0]);
    url = new URL$1(args[0]);
    logger.info("created a url:", url);
    const requestOptionsFromUrl = urlToHttpOptions(url);
    logger.info("request options from url:", requestOptionsFromUrl);
    options = resolveRequestOptions(args, url);
    logger.info("resolved request options:", options);
    callback = resolveCallback(args);
  } else if (args[0] instanceof URL$1) {
    url = args[0];
    logger.info("first argument is a URL:", url);
    if (typeof args[1] !== "undefined" && isObject(args[1])) url = overrideUrlByRequestOptions(url, args[1]);
    options = resolveRequestOptions(args, url);
    logger.info("derived request options:", options);
    callback = resolveCallback(args);
  } else if ("hash" in args[0] && !("method" in args[0])) {
    const [legacyUrl] = args;
    logger.info("first argument is a legacy URL:", legacyUrl);
    if (legacyUrl.hostname === null) {
      logger.info("given legacy URL is relative (no hostname)");
      return isObject(args[1]) ? normalizeClientRequestArgs(defaultProtocol, [{
        path: legacyUrl.path,
        ...args[1]
      }, args[2]]) : normalizeClientRequestArgs(defaultProtocol, [{ path: legacyUrl.path }, args[1]]);
    }
    logger.info("given legacy url is absolute");
    const resolvedUrl = new URL$1(legacyUrl.href);
    return args[1] === void 0 ? normalizeClientRequestArgs(defaultProtocol, [resolvedUrl]) : typeof args[1] === "function" ? normalizeClientRequestArgs(defaultProtocol, [resolvedUrl, args[1]]) : normalizeClientRequestArgs(defaultProtocol, [
      resolvedUrl,
      args[1],
      args[2]
    ]);
  } else if (isObject(args[0])) {
    options = { ...args[0] };
    logger.info("first argument is RequestOptions:", options);
    options.protocol = options.protocol || defaultProtocol;
    logger.info("normalized request options:", options);
    url = getUrlByRequestOptions(options);
    logger.info("created a URL from RequestOptions:", url.href);
    callback = resolveCallback(args);
  } else throw new Error(`Failed to construct ClientRequest with these parameters: ${args}`);
  options.protocol = options.protocol || url.protocol;
  options.method = options.method || "GET";
  if (!options._defaultAgent) {
    logger.info('has no default agent, setting the default agent for "%s"', options.protocol);
    options._defaultAgent = options.protocol === "https:" ? globalAgent$1 : globalAgent;
  }
  logger.info("successfully resolved url:", url.href);
  logger.info("successfully resolved options:", options);
  logger.info("successfully resolved callback:", callback);
  if (!(url instanceof URL$1)) url = url.toString();
  return [
    url,
    options,
    callback
  ];
}
var ClientRequestInterceptor = class ClientRequestInterceptor2 extends Interceptor {
  static {
    this.symbol = /* @__PURE__ */ Symbol.for("client-request-interceptor");
  }
  constructor() {
    super(ClientRequestInterceptor2.symbol);
    this.onRequest = async ({ request, socket }) => {
      const controller = new RequestController(request, {
        passthrough() {
          socket.passthrough();
        },
        async respondWith(response) {
          await socket.respondWith(response);
        },
        errorWith(reason) {
          if (reason instanceof Error) socket.errorWith(reason);
        }
      });
      await handleRequest({
        request,
        requestId: Reflect.get(request, kRequestId),
        controller,
        emitter: this.emitter
      });
    };
    this.onResponse = async ({ requestId, request, response, isMockedResponse }) => {
      return emitAsync(this.emitter, "response", {
        requestId,
        request,
        response,
        isMockedResponse
      });
    };
  }
  setup() {
    const { ClientRequest: OriginalClientRequest, get: originalGet, request: originalRequest } = http;
    const { get: originalHttpsGet, request: originalHttpsRequest } = https;
    const onRequest = this.onRequest.bind(this);
    const onResponse = this.onResponse.bind(this);
    http.ClientRequest = new Proxy(http.ClientRequest, { construct: (target, args) => {
      const [url, options, callback] = normalizeClientRequestArgs("http:", args);
      options.agent = new (options.protocol === "https:" ? MockHttpsAgent : MockAgent)({
        customAgent: options.agent,
        onRequest,
        onResponse
      });
      return Reflect.construct(target, [
        url,
        options,
        callback
      ]);
    } });
    http.request = new Proxy(http.request, { apply: (target, thisArg, args) => {
      const [url, options, callback] = normalizeClientRequestArgs("http:", args);
      options.agent = new MockAgent({
        customAgent: options.agent,
        onRequest,
        onResponse
      });
      return Reflect.apply(target, thisArg, [
        url,
        options,
        callback
      ]);
    } });
    http.get = new Proxy(http.get, { apply: (target, thisArg, args) => {
      const [url, options, callback] = normalizeClientRequestArgs("http:", args);
      options.agent = new MockAgent({
        customAgent: options.agent,
        onRequest,
        onResponse
      });
      return Reflect.apply(target, thisArg, [
        url,
        options,
        callback
      ]);
    } });
    https.request = new Proxy(https.request, { apply: (target, thisArg, args) => {
      const [url, options, callback] = normalizeClientRequestArgs("https:", args);
      options.agent = new MockHttpsAgent({
        customAgent: options.agent,
        onRequest,
        onResponse
      });
      return Reflect.apply(target, thisArg, [
        url,
        options,
        callback
      ]);
    } });
    https.get = new Proxy(https.get, { apply: (target, thisArg, args) => {
      const [url, options, callback] = normalizeClientRequestArgs("https:", args);
      options.agent = new MockHttpsAgent({
        customAgent: options.agent,
        onRequest,
        onResponse
      });
      return Reflect.apply(target, thisArg, [
        url,
        options,
        callback
      ]);
    } });
    recordRawFetchHeaders();
    this.subscriptions.push(() => {
      http.ClientRequest = OriginalClientRequest;
      http.get = originalGet;
      http.request = originalRequest;
      https.get = originalHttpsGet;
      https.request = originalHttpsRequest;
      restoreHeadersPrototype();
    });
  }
};

// node_modules/@mswjs/interceptors/lib/node/hasConfigurableGlobal-BiTmog1u.mjs
var PatchesRegistry = class {
  #replacements = /* @__PURE__ */ new Map();
  applyPatch(owner, key, getNextValue) {
    const ownerReplacements = this.#replacements.get(owner);
    invariant(!ownerReplacements?.has(key), `Failed to replace a global value at "${String(key)}": already replaced.`);
    const match = getDeepPropertyDescriptor(owner, key);
    if (typeof match === "undefined") {
      console.warn(`Failed to replace a global value at "${String(key)}": not a global value.`);
      return () => {
      };
    }
    if (match.descriptor.configurable) Object.defineProperty(owner, key, {
      value: getNextValue(owner[key]),
      enumerable: true,
      configurable: true
    });
    else if (match.descriptor.writable) owner[key] = getNextValue(owner[key]);
    else throw new Error(`Failed to patch a non-configurable non-writable property "${key.toString()}"`);
    const restorePatch = () => {
      const currentReplacements = this.#replacements.get(owner);
      if (!currentReplacements?.has(key)) return;
      if (match.owner === owner)
        Object.defineProperty(match.owner, key, match.descriptor);
      else
        Reflect.deleteProperty(owner, key);
      currentReplacements.delete(key);
      if (currentReplacements.size === 0) this.#replacements.delete(owner);
    };
    if (ownerReplacements) ownerReplacements.set(key, restorePatch);
    else this.#replacements.set(owner, /* @__PURE__ */ new Map([[key, restorePatch]]));
    return restorePatch;
  }
  restoreAllPatches() {
    const errors = [];
    for (const [, ownerReplacements] of this.#replacements) for (const [, restorePatch] of ownerReplacements) try {
      restorePatch();
    } catch (error2) {
      if (error2 instanceof Error) errors.push(error2);
      else throw error2;
    }
    if (errors.length > 0) throw new AggregateError(errors, "FOO!");
  }
};
var patchesRegistry = new PatchesRegistry();
function getDeepPropertyDescriptor(owner, key) {
  let currentOwner = owner;
  let descriptor;
  while (currentOwner) {
    descriptor = Object.getOwnPropertyDescriptor(currentOwner, key);
    if (descriptor) return {
      owner: currentOwner,
      descriptor
    };
    currentOwner = Object.getPrototypeOf(currentOwner);
  }
}
function hasConfigurableGlobal(propertyName) {
  const match = getDeepPropertyDescriptor(globalThis, propertyName);
  if (typeof match === "undefined") return false;
  const { descriptor } = match;
  if (typeof descriptor.get === "function" && typeof descriptor.get() === "undefined") return false;
  if (typeof descriptor.get === "undefined" && descriptor.value == null) return false;
  if (typeof descriptor.set === "undefined" && !descriptor.configurable) {
    console.error(`[MSW] Failed to apply interceptor: the global \`${propertyName}\` property is non-configurable. This is likely an issue with your environment. If you are using a framework, please open an issue about this in their repository.`);
    return false;
  }
  return true;
}

// node_modules/@mswjs/interceptors/lib/node/fetch-CaC3rGEu.mjs
import zlib from "node:zlib";
function createNetworkError(cause) {
  return Object.assign(/* @__PURE__ */ new TypeError("Failed to fetch"), { cause });
}
var REQUEST_BODY_HEADERS = [
  "content-encoding",
  "content-language",
  "content-location",
  "content-type",
  "content-length"
];
var kRedirectCount = /* @__PURE__ */ Symbol("kRedirectCount");
async function followFetchRedirect(request, response) {
  if (response.status !== 303 && request.body != null) return Promise.reject(createNetworkError());
  const requestUrl = new URL(request.url);
  let locationUrl;
  try {
    locationUrl = new URL(response.headers.get("location"), request.url);
  } catch (error2) {
    return Promise.reject(createNetworkError(error2));
  }
  if (!(locationUrl.protocol === "http:" || locationUrl.protocol === "https:")) return Promise.reject(createNetworkError("URL scheme must be a HTTP(S) scheme"));
  if (Reflect.get(request, kRedirectCount) > 20) return Promise.reject(createNetworkError("redirect count exceeded"));
  Object.defineProperty(request, kRedirectCount, { value: (Reflect.get(request, kRedirectCount) || 0) + 1 });
  if (request.mode === "cors" && (locationUrl.username || locationUrl.password) && !sameOrigin(requestUrl, locationUrl)) return Promise.reject(createNetworkError('cross origin not allowed for request mode "cors"'));
  const requestInit = {};
  if ([301, 302].includes(response.status) && request.method === "POST" || response.status === 303 && !["HEAD", "GET"].includes(request.method)) {
    requestInit.method = "GET";
    requestInit.body = null;
    REQUEST_BODY_HEADERS.forEach((headerName) => {
      request.headers.delete(headerName);
    });
  }
  if (!sameOrigin(requestUrl, locationUrl)) {
    request.headers.delete("authorization");
    request.headers.delete("proxy-authorization");
    request.headers.delete("cookie");
    request.headers.delete("host");
  }
  requestInit.headers = request.headers;
  const finalResponse = await fetch(new Request(locationUrl, requestInit));
  Object.defineProperty(finalResponse, "redirected", {
    value: true,
    configurable: true
  });
  return finalResponse;
}
function sameOrigin(left, right) {
  if (left.origin === right.origin && left.origin === "null") return true;
  if (left.protocol === right.protocol && left.hostname === right.hostname && left.port === right.port) return true;
  return false;
}
var BrotliDecompressionStream = class extends TransformStream {
  constructor() {
    const decompress = zlib.createBrotliDecompress({
      flush: zlib.constants.BROTLI_OPERATION_FLUSH,
      finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH
    });
    super({ async transform(chunk, controller) {
      const buffer = Buffer.from(chunk);
      const decompressed = await new Promise((resolve, reject) => {
        decompress.write(buffer, (error2) => {
          if (error2) reject(error2);
        });
        decompress.flush();
        decompress.once("data", (data) => resolve(data));
        decompress.once("error", (error2) => reject(error2));
        decompress.once("end", () => controller.terminate());
      }).catch((error2) => {
        controller.error(error2);
      });
      controller.enqueue(decompressed);
    } });
  }
};
var PipelineStream = class extends TransformStream {
  constructor(transformStreams, ...strategies) {
    super({}, ...strategies);
    const readable = [super.readable, ...transformStreams].reduce((readable$1, transform) => readable$1.pipeThrough(transform));
    Object.defineProperty(this, "readable", { get() {
      return readable;
    } });
  }
};
function parseContentEncoding(contentEncoding) {
  return contentEncoding.toLowerCase().split(",").map((coding) => coding.trim());
}
function createDecompressionStream(contentEncoding) {
  if (contentEncoding === "") return null;
  const codings = parseContentEncoding(contentEncoding);
  if (codings.length === 0) return null;
  return new PipelineStream(codings.reduceRight((transformers, coding) => {
    if (coding === "gzip" || coding === "x-gzip") return transformers.concat(new DecompressionStream("gzip"));
    else if (coding === "deflate") return transformers.concat(new DecompressionStream("deflate"));
    else if (coding === "br") return transformers.concat(new BrotliDecompressionStream());
    else transformers.length = 0;
    return transformers;
  }, []));
}
function decompressResponse(response) {
  if (response.body === null) return null;
  const decompressionStream = createDecompressionStream(response.headers.get("content-encoding") || "");
  if (!decompressionStream) return null;
  response.body.pipeTo(decompressionStream.writable);
  return decompressionStream.readable;
}
var FetchInterceptor = class FetchInterceptor2 extends Interceptor {
  static {
    this.symbol = /* @__PURE__ */ Symbol.for("fetch-interceptor");
  }
  constructor() {
    super(FetchInterceptor2.symbol);
  }
  checkEnvironment() {
    return hasConfigurableGlobal("fetch");
  }
  async setup() {
    const logger2 = this.logger.extend("setup");
    const pureFetch = globalThis.fetch;
    const fetchProxy = async (input, init) => {
      const requestId = createRequestId();
      const request = new FetchRequest(typeof input === "string" && typeof location !== "undefined" && !canParseUrl(input) ? new URL(input, location.href) : input, init);
      if (input instanceof Request) setRawRequest(request, input);
      const responsePromise = new DeferredPromise();
      const controller = new RequestController(request, {
        passthrough: async () => {
          this.logger.info("request has not been handled, passthrough...");
          const requestCloneForResponseEvent = request.clone();
          const { error: responseError, data: originalResponse } = await until(() => pureFetch(request));
          if (responseError) return responsePromise.reject(responseError);
          this.logger.info("original fetch performed", originalResponse);
          if (this.emitter.listenerCount("response") > 0) {
            this.logger.info('emitting the "response" event...');
            const responseClone = FetchResponse.clone(originalResponse);
            await emitAsync(this.emitter, "response", {
              response: responseClone,
              isMockedResponse: false,
              request: requestCloneForResponseEvent,
              requestId
            });
          }
          responsePromise.resolve(originalResponse);
        },
        respondWith: async (rawResponse) => {
          if (isResponseError(rawResponse)) {
            this.logger.info("request has errored!", { response: rawResponse });
            responsePromise.reject(createNetworkError(rawResponse));
            return;
          }
          this.logger.info("received mocked response!", { rawResponse });
          const response = new FetchResponse(decompressResponse(rawResponse) || rawResponse.body, {
            url: request.url,
            status: rawResponse.status,
            statusText: rawResponse.statusText,
            headers: rawResponse.headers
          });
          if (FetchResponse.isRedirectResponse(response.status)) {
            if (request.redirect === "error") {
              responsePromise.reject(createNetworkError("unexpected redirect"));
              return;
            }
            if (request.redirect === "follow") {
              followFetchRedirect(request, response).then((response$1) => {
                responsePromise.resolve(response$1);
              }, (reason) => {
                responsePromise.reject(reason);
              });
              return;
            }
          }
          if (this.emitter.listenerCount("response") > 0) {
            this.logger.info('emitting the "response" event...');
            await emitAsync(this.emitter, "response", {
              response: FetchResponse.clone(response),
              isMockedResponse: true,
              request,
              requestId
            });
          }
          responsePromise.resolve(response);
        },
        errorWith: (reason) => {
          this.logger.info("request has been aborted!", { reason });
          responsePromise.reject(reason);
        }
      });
      this.logger.info("[%s] %s", request.method, request.url);
      this.logger.info("awaiting for the mocked response...");
      this.logger.info('emitting the "request" event for %s listener(s)...', this.emitter.listenerCount("request"));
      await handleRequest({
        request,
        requestId,
        emitter: this.emitter,
        controller
      });
      return responsePromise;
    };
    logger2.info("patching global fetch...");
    this.subscriptions.push(patchesRegistry.applyPatch(globalThis, "fetch", () => fetchProxy));
    logger2.info("global fetch patched!", globalThis.fetch.name);
  }
};
export {
  ClientRequestInterceptor,
  FetchInterceptor
};
