"use strict";
// pd-emulator's offline @pipedream/platform: the same export names as the real package.
const { axios, transformConfigForOauth } = require("./axios.cjs");
const { ConfigurationError } = require("./errors.cjs");
const { cloneSafe, jsonStringifySafe } = require("./json.cjs");
const { getFileStream, getFileStreamAndMetadata } = require("./file-stream.cjs");
const { sqlProp, sqlProxy } = require("./sql.cjs");
const workflow = require("./workflow.cjs");

module.exports = {
  axios,
  transformConfigForOauth,
  cloneSafe,
  jsonStringifySafe,
  getFileStream,
  getFileStreamAndMetadata,
  ConfigurationError,
  sqlProp,
  sqlProxy,
  DEFAULT_POLLING_SOURCE_TIMER_INTERVAL: 60 * 15,
  PD_OFFICIAL_GMAIL_OAUTH_CLIENT_ID: "fnd4m13k1mjb6djallp1m9kr7o8kslcu",
  ...workflow,
};
