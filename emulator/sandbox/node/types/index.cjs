"use strict";
// pd-emulator's offline @pipedream/types: what the published package (0.3.4, dist/index.js) has at
// runtime, three identity functions, and nothing more (a helper it lacks fails here as in the cloud).
const identity = (definition) => definition;

module.exports = {
  defineApp: identity,
  defineAction: identity,
  defineSource: identity,
};
