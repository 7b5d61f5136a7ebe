// Two gaps of @mswjs/interceptors 0.41 (the last line that runs on Node 20) that real vendor SDKs
// hit; applySocketFixes() runs right after the interceptors are applied. Both rely on our design:
// the host answers every request, Node itself never opens a connection.
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";

// 1. The mock socket "connects" only when the request is answered, and the request is answered only
// once it has ended: a client that ends its request on the socket's connect/secureConnect (Stripe)
// waits forever (mswjs/msw#2259). Nothing is really connected anyway, so connect at once (once).
function connectAtOnce() {
  const onSocket = http.ClientRequest.prototype.onSocket;
  http.ClientRequest.prototype.onSocket = function onSocketConnected(socket, error) {
    if (socket && typeof socket.mockConnect === "function") {
      const prototype = Object.getPrototypeOf(socket);
      if (!Object.hasOwn(prototype, "pdConnectOnce")) {
        const mockConnect = prototype.mockConnect;
        prototype.mockConnect = function connectOnce() {
          if (this.pdConnected) return undefined;
          this.pdConnected = true;
          return mockConnect.call(this);
        };
        prototype.pdConnectOnce = true;
      }
      process.nextTick(() => socket.mockConnect());
    }
    return onSocket.call(this, socket, error);
  };
}

// 2. An https request with no port goes to 443. The interceptor takes the port from the agent's
// `defaultPort` instead, and agent-base agents (proxy-agent, https-proxy-agent: apify-client and
// many SDKs) compute it from the call stack, which the interception changes: they say 80. Name the
// port explicitly so the request's URL is the one the client meant.
function withHttpsPort(args) {
  const [first, second] = args;
  const target = typeof first === "string" ? new URL(first) : first instanceof URL ? first : null;
  if (target) {
    if (target.port) return args;
    const options = second && typeof second === "object" ? second : null;
    if (options?.port) return args;
    return options ? [first, { ...options, port: 443 }, ...args.slice(2)] : [first, { port: 443 }, ...args.slice(1)];
  }
  if (first && typeof first === "object" && !first.port && (first.protocol ?? "https:") === "https:") {
    return [{ ...first, port: 443 }, ...args.slice(1)];
  }
  return args;
}

function portForHttps() {
  for (const name of ["request", "get"]) {
    const original = https[name];
    https[name] = function requestWithPort(...args) {
      return original.apply(this, withHttpsPort(args));
    };
  }
  syncBuiltinESMExports();
}

export function applySocketFixes() {
  connectAtOnce();
  portForHttps();
}
