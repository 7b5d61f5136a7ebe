"use strict";
/** An error in how a component is configured, shown to the user without a stack by default. */
class ConfigurationError extends Error {
  constructor(message, exposeStack = false) {
    super(message);
    this.name = "ConfigurationError";
    this.exposeStack = exposeStack;
  }
}

module.exports = { ConfigurationError };
