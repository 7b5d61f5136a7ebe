"use strict";
// The part of axios that sources rely on, on Node's fetch: baseURL + params, JSON and form
// bodies, basic auth, timeouts, response parsing by responseType, and an AxiosError (with the
// response attached) for statuses outside validateStatus.
const { Readable } = require("node:stream");

class AxiosError extends Error {
  constructor(message, code, config, response) {
    super(message);
    this.name = "AxiosError";
    this.isAxiosError = true;
    this.code = code;
    this.config = config;
    if (response) {
      this.response = response;
      this.status = response.status;
    }
  }

  toJSON() {
    return { name: this.name, message: this.message, code: this.code, status: this.status };
  }
}

function encodeParam(text) {
  return encodeURIComponent(text)
    .replace(/%3A/gi, ":").replace(/%24/g, "$").replace(/%2C/gi, ",").replace(/%20/g, "+");
}

/** Flattens params the way axios does: `a[]=1&a[]=2`, `o[k]=v`, dates as ISO strings. */
function paramPairs(value, key, pairs) {
  if (value === undefined) return pairs;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const nested = item !== null && typeof item === "object" && !(item instanceof Date);
      paramPairs(item, nested ? `${key}[${index}]` : `${key}[]`, pairs);
    });
  } else if (value instanceof Date) {
    pairs.push([key, value.toISOString()]);
  } else if (value !== null && typeof value === "object") {
    for (const [name, item] of Object.entries(value)) paramPairs(item, `${key}[${name}]`, pairs);
  } else {
    pairs.push([key, value === null ? "" : String(value)]);
  }
  return pairs;
}

function objectPairs(object) {
  const pairs = [];
  for (const [key, value] of Object.entries(object)) paramPairs(value, key, pairs);
  return pairs;
}

function serializeParams(params, serializer) {
  if (!params) return "";
  const serialize = typeof serializer === "function" ? serializer : serializer?.serialize;
  if (serialize) return serialize(params);
  if (params instanceof URLSearchParams) return params.toString();
  const encode = serializer?.encode ?? encodeParam;
  return objectPairs(params).map(([key, value]) => `${encode(key)}=${encode(value)}`).join("&");
}

function isAbsoluteUrl(url) {
  return /^([a-z][a-z\d+\-.]*:)?\/\//i.test(url);
}

/** The URL axios would request: baseURL joined unless url is absolute, then the params. */
function buildUrl(config) {
  let url = config.url ?? "";
  if (config.baseURL && !isAbsoluteUrl(url)) {
    url = url ? `${config.baseURL.replace(/\/+$/, "")}/${url.replace(/^\/+/, "")}` : config.baseURL;
  }
  const query = serializeParams(config.params, config.paramsSerializer);
  if (!query) return url;
  const hash = url.indexOf("#");
  if (hash !== -1) url = url.slice(0, hash);
  return url + (url.includes("?") ? "&" : "?") + query;
}

function requestHeaders(config) {
  const headers = new Headers({ Accept: "application/json, text/plain, */*" });
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    if (value === undefined || value === null || typeof value === "object" && !Array.isArray(value)) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : String(value));
  }
  if (config.auth) {
    const { username = "", password = "" } = config.auth;
    headers.set("Authorization", `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`);
  }
  return headers;
}

function isStreamLike(data) {
  return typeof data.pipe === "function" || typeof data[Symbol.asyncIterator] === "function";
}

/** The fetch body for axios' `data`, setting the content type axios would set. */
function requestBody(data, headers) {
  if (data === undefined || data === null) return undefined;
  if (typeof data === "string") return data;
  if (data instanceof URLSearchParams) {
    if (!headers.has("content-type")) headers.set("content-type", "application/x-www-form-urlencoded;charset=utf-8");
    return data.toString();
  }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data) || data instanceof Blob
      || data instanceof FormData || data instanceof ReadableStream) {
    return data;
  }
  if (typeof data === "object" && typeof data.getHeaders === "function") {
    for (const [name, value] of Object.entries(data.getHeaders())) headers.set(name, String(value));
  }
  if (typeof data === "object" && isStreamLike(data)) {
    return data instanceof Readable ? data : new Readable().wrap(data);
  }
  const contentType = headers.get("content-type") ?? "";
  if (typeof data === "object" && contentType.includes("application/x-www-form-urlencoded")) {
    return new URLSearchParams(objectPairs(data)).toString();
  }
  if (!contentType) headers.set("content-type", "application/json");
  return JSON.stringify(data);
}

function responseHeaders(response) {
  const headers = {};
  for (const [name, value] of response.headers) headers[name] = value;
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length) headers["set-cookie"] = cookies;
  return headers;
}

async function responseData(response, responseType) {
  if (responseType === "stream") return response.body ? Readable.fromWeb(response.body) : Readable.from([]);
  if (responseType === "arraybuffer") return Buffer.from(await response.arrayBuffer());
  if (responseType === "blob") return response.blob();
  const text = await response.text();
  if (responseType === "text" || responseType === "document" || !text) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requestSignal(config) {
  const signals = [config.signal, config.timeout > 0 && AbortSignal.timeout(config.timeout)].filter(Boolean);
  if (signals.length < 2) return signals[0];
  if (typeof AbortSignal.any === "function") return AbortSignal.any(signals);
  const combined = new AbortController();
  for (const signal of signals) signal.addEventListener("abort", () => combined.abort(signal.reason), { once: true });
  return combined.signal;
}

function transportError(error, config) {
  if (error?.name === "TimeoutError") {
    return new AxiosError(`timeout of ${config.timeout}ms exceeded`, "ECONNABORTED", config);
  }
  if (error?.name === "AbortError") return new AxiosError("canceled", "ERR_CANCELED", config);
  const cause = error?.cause ?? error;
  return new AxiosError(cause?.message ?? String(error), cause?.code ?? "ERR_NETWORK", config);
}

/** Performs one axios-style request; resolves to {data, status, statusText, headers, config}. */
async function request(config) {
  const method = String(config.method ?? "get").toUpperCase();
  const url = buildUrl(config);
  const headers = requestHeaders(config);
  const body = method === "GET" || method === "HEAD" ? undefined : requestBody(config.data, headers);
  let fetched;
  try {
    fetched = await fetch(url, {
      method,
      headers,
      body,
      duplex: body && typeof body === "object" && isStreamLike(body) ? "half" : undefined,
      redirect: config.maxRedirects === 0 ? "manual" : "follow",
      signal: requestSignal(config),
    });
  } catch (error) {
    throw transportError(error, config);
  }
  const response = {
    data: await responseData(fetched, config.responseType),
    status: fetched.status,
    statusText: fetched.statusText,
    headers: responseHeaders(fetched),
    config,
    request: { method, url },
  };
  const validateStatus = config.validateStatus === undefined
    ? (status) => status >= 200 && status < 300
    : config.validateStatus;
  if (validateStatus && !validateStatus(response.status)) {
    const code = response.status >= 500 ? "ERR_BAD_RESPONSE" : "ERR_BAD_REQUEST";
    throw new AxiosError(`Request failed with status code ${response.status}`, code, config, response);
  }
  return response;
}

module.exports = { AxiosError, request, buildUrl, objectPairs };
