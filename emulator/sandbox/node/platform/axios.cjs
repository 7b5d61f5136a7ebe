"use strict";
// Pipedream's `axios($, config)`: returns the response data (or the whole response with
// returnFullResponse), reports a failed response as the error message, and can debug-export
// to the step. Also `axios.create(...)` and `transformConfigForOauth(config)`.
const querystring = require("node:querystring");
const { ConfigurationError } = require("./errors.cjs");
const { cloneSafe } = require("./json.cjs");
const { request, buildUrl } = require("./http-request.cjs");

function dropUndefined(object) {
  if (!object || typeof object !== "object") return;
  for (const key of Object.keys(object)) {
    if (object[key] === undefined) delete object[key];
  }
}

/** Moves a query string written into the URL into config.params (explicit params win). */
function moveQueryToParams(config) {
  if (!config.url) return;
  let url;
  try {
    url = new URL((config.baseURL ?? "") + config.url);
  } catch {
    return;
  }
  if (!url.search) return;
  config.params ??= {};
  for (const [key, value] of url.searchParams) {
    if (!(key in config.params)) config.params[key] = value;
  }
  url.search = "";
  config.url = url.toString();
}

function prepare(config) {
  dropUndefined(config.headers);
  dropUndefined(config.params);
  if (typeof config.data === "object") dropUndefined(config.data);
  moveQueryToParams(config);
}

/** Writes a debug value onto the step (or `this`) and logs it, as Pipedream's wrapper does. */
function stepExport(step, value, key) {
  const copy = cloneSafe(value);
  if (step) {
    if (typeof step.export === "function") {
      step.export(key, copy);
      return;
    }
    step[key] = copy;
  }
  console.log(`export: ${key} - ${JSON.stringify(copy, null, 2)}`);
}

/** Reshapes a failed response's error like the cloud: message is the response body. */
function describeFailure(error) {
  const { response } = error;
  const summary = {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    data: response.data,
  };
  delete response.config;
  delete response.request;
  error.name = `${error.name} - ${error.message}`;
  try {
    error.message = JSON.stringify(response.data);
  } catch {
    console.error("Error trying to convert `err.response.data` to string");
  }
  delete error.config;
  return summary;
}

function oauth1ParamsSerializer(params) {
  return querystring.stringify(params)
    .replace(/!/g, "%21").replace(/'/g, "%27").replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/\*/g, "%2A");
}

/** The request data an OAuth 1 signer needs (method, full URL, form data). */
function transformConfigForOauth(config) {
  const requestData = {
    method: config.method || "get",
    url: buildUrl({ ...config, paramsSerializer: oauth1ParamsSerializer }),
  };
  const contentTypeKey = Object.keys(config.headers ?? {}).find((key) => /content-type/i.test(key));
  const formEncoded = contentTypeKey !== undefined
    && config.headers[contentTypeKey] === "application/x-www-form-urlencoded";
  if (config.data && typeof config.data === "object" && formEncoded) {
    requestData.data = config.data;
  } else if (typeof config.data === "string" && (contentTypeKey === undefined || formEncoded)) {
    requestData.data = querystring.parse(config.data);
  }
  config.paramsSerializer = oauth1ParamsSerializer;
  return requestData;
}

async function oauthSignature(config, { oauthSignerUri, token }) {
  const requestData = transformConfigForOauth(config);
  const response = await request({ method: "post", url: oauthSignerUri, data: { requestData, token } });
  return response.data;
}

async function callAxios(step, config, signConfig) {
  prepare(config);
  if (config.body != null) throw new ConfigurationError("unexpected body, use only data instead");
  if (signConfig) {
    config.headers ??= {};
    config.headers.Authorization = await oauthSignature(config, signConfig);
  }
  if (config.debug) stepExport(step, config, "debug_config");
  try {
    const response = await request(config);
    if (config.debug) stepExport(step, response.data, "debug_response");
    return config.returnFullResponse ? response : response.data;
  } catch (error) {
    if (error.response) {
      const summary = describeFailure(error);
      if (step?.context) stepExport(step, summary, "debug");
    }
    throw error;
  }
}

/** An axios-like instance with defaults; calls resolve to data unless returnFullResponse. */
function create(defaults = {}, signConfig) {
  if (defaults.debug) stepExport(undefined, defaults, "debug_config");
  const send = async (config) => {
    const merged = { ...defaults, ...config, headers: { ...defaults.headers, ...config.headers } };
    prepare(merged);
    if (signConfig) merged.headers.Authorization = await oauthSignature(merged, signConfig);
    try {
      const response = await request(merged);
      if (merged.debug) stepExport(undefined, response.data, "debug_response");
      return merged.returnFullResponse ? response : response.data;
    } catch (error) {
      if (error.response) stepExport(undefined, describeFailure(error), "debug");
      throw error;
    }
  };
  const instance = (urlOrConfig, config = {}) => (typeof urlOrConfig === "string"
    ? send({ ...config, url: urlOrConfig })
    : send(urlOrConfig));
  instance.defaults = defaults;
  instance.request = (config) => send(config);
  for (const method of ["get", "delete", "head", "options"]) {
    instance[method] = (url, config = {}) => send({ ...config, method, url });
  }
  for (const method of ["post", "put", "patch"]) {
    instance[method] = (url, data, config = {}) => send({ ...config, method, url, data });
  }
  return instance;
}

callAxios.create = create;

module.exports = { axios: callAxios, transformConfigForOauth };
