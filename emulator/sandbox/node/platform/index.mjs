// ESM entry of the offline @pipedream/platform; the implementation is the CommonJS one.
import platform from "./index.cjs";

export default platform;
export const {
  axios,
  transformConfigForOauth,
  cloneSafe,
  jsonStringifySafe,
  getFileStream,
  getFileStreamAndMetadata,
  ConfigurationError,
  sqlProp,
  sqlProxy,
  DEFAULT_POLLING_SOURCE_TIMER_INTERVAL,
  PD_OFFICIAL_GMAIL_OAUTH_CLIENT_ID,
  END_NEEDLE,
  HTTP_METHODS,
  $end,
  $event,
  $send,
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
} = platform;
