"use strict";
// Base objects that SQL apps spread into their methods; each method must be overridden.
const { ConfigurationError } = require("./errors.cjs");

const notImplemented = (name) => function () {
  throw new ConfigurationError(`${name} not implemented`);
};

const sqlProp = {
  methods: {
    executeQueryAdapter: notImplemented("executeQueryAdapter"),
    getSchema: notImplemented("getSchema"),
  },
};

const sqlProxy = {
  methods: {
    getClientConfiguration: notImplemented("getClientConfiguration"),
    executeQuery: notImplemented("executeQuery"),
    proxyAdapter: notImplemented("proxyAdapter"),
  },
};

module.exports = { sqlProp, sqlProxy };
