export default {
  key: "acme-failing-options",
  name: "Failing Options",
  version: "0.0.1",
  type: "source",
  props: {
    db: "$.service.db",
    repo: { type: "string", async options() { console.log("about to fail"); throw new Error("the Acme API said 401"); } },
  },
  async additionalProps() { throw new Error("additionalProps broke"); },
  async run() {},
};
