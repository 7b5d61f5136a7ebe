export default {
  key: "acme-hooks",
  name: "Hooks",
  version: "0.0.1",
  type: "source",
  props: {
    db: "$.service.db",
    failDeploy: { type: "boolean", default: false },
    failDeactivate: { type: "boolean", default: false },
  },
  hooks: {
    async deploy() {
      this.$emit({ from: "deploy" }, { id: "deploy" });
      if (this.failDeploy) throw new Error("deploy refused by the component");
    },
    async deactivate() {
      if (this.failDeactivate) throw new Error("deactivate refused by the component");
    },
  },
  async run(event) {
    this.$emit({ from: "run", event }, { id: `${Date.now()}-${Math.random()}` });
  },
};
