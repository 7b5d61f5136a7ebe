"use strict";
// Workflow-era globals that component code sometimes imports: $end, the $send config codecs,
// HTTP_METHODS. Codecs only check the shape loosely (io-ts is not shipped).
const END_NEEDLE = "__pd_end";

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

/** Ends the workflow early: throws an error marked with END_NEEDLE. */
function $end(message) {
  const error = new Error();
  error[END_NEEDLE] = { message, ts: new Date().toISOString() };
  throw error;
}

function codec(name, isValid) {
  return {
    name,
    is: isValid,
    decode: (value) => (isValid(value)
      ? { _tag: "Right", right: value }
      : { _tag: "Left", left: [{ value, context: [], message: `invalid ${name}` }] }),
  };
}

const isObject = (value) => value !== null && typeof value === "object";
const SendConfigEmail = codec("SendConfigEmail", isObject);
const SendConfigEmit_required = codec("SendConfigEmit_required", (v) => isObject(v) && isObject(v.raw_event));
const SendConfigEmit_optional = codec("SendConfigEmit_optional", isObject);
const SendConfigEmit = codec("SendConfigEmit", (v) => isObject(v) && isObject(v.raw_event));
const SendConfigHTTP = codec("SendConfigHTTP",
  (v) => isObject(v) && HTTP_METHODS.includes(v.method) && typeof v.url === "string");
const SendConfigS3 = codec("SendConfigS3", (v) => isObject(v) && typeof v.bucket === "string");
const SendConfigSQL = codec("SendConfigSQL", (v) => isObject(v) && typeof v.table === "string");
const SendConfigSnowflake = codec("SendConfigSnowflake", isObject);
const SendConfigSSE = codec("SendConfigSSE", (v) => isObject(v) && typeof v.channel === "string");

const sendTypeMap = {
  email: SendConfigEmail,
  emit: SendConfigEmit,
  http: SendConfigHTTP,
  s3: SendConfigS3,
  sql: SendConfigSQL,
  snowflake: SendConfigSnowflake,
  sse: SendConfigSSE,
};

const $sendConfigRuntimeTypeChecker = Object.fromEntries(Object.entries(sendTypeMap).map(([name, type]) => [
  name,
  (config) => {
    if (type.decode(config)._tag === "Left") throw new Error(`$send.${name}: invalid config`);
  },
]));

module.exports = {
  END_NEEDLE,
  HTTP_METHODS,
  $end,
  $event: undefined,
  $send: undefined,
  $sendConfigRuntimeTypeChecker,
  sendTypeMap,
  SendConfigEmail,
  SendConfigEmit,
  SendConfigEmit_optional,
  SendConfigEmit_required,
  SendConfigHTTP,
  SendConfigS3,
  SendConfigSQL,
  SendConfigSnowflake,
  SendConfigSSE,
};
