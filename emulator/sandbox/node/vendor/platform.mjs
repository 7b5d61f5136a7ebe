// The ES module face of platform.cjs (see that file's banner for its licence), written by platform-build.mjs.
import { createRequire } from "node:module";

const platform = createRequire(import.meta.url)("./platform.cjs");
export default platform;
export const { axios, transformConfigForOauth, cloneSafe, jsonStringifySafe, getFileStreamAndMetadata, getFileStream, ConfigurationError, sqlProp, sqlProxy, DEFAULT_POLLING_SOURCE_TIMER_INTERVAL, PD_OFFICIAL_GMAIL_OAUTH_CLIENT_ID, SendConfigEmail, SendConfigEmit_required, SendConfigEmit_optional, SendConfigEmit, HTTP_METHODS, SendConfigHTTP, SendConfigS3, SendConfigSQL, SendConfigSnowflake, SendConfigSSE, sendTypeMap, $event, END_NEEDLE, $send, $sendConfigRuntimeTypeChecker, $end } = platform;
