"use strict";
// pd-emulator's offline @pipedream/types: the define* helpers are identity functions at runtime.
const identity = (definition) => definition;

module.exports = {
  defineApp: identity,
  defineAction: identity,
  defineSource: identity,
  definePropDefinition: identity,
};
