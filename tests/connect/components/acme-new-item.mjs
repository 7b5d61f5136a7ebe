import acme from "./acme.app.mjs";

export default {
  key: "acme-new-item",
  name: "New Item (Instant)",
  version: "0.1.2",
  description: "Emit every new Acme item",
  type: "source",
  props: {
    acme,
    db: "$.service.db",
    timer: { type: "$.interface.timer", default: { intervalSeconds: 60 } },
    projectId: { propDefinition: [acme, "projectId"] },
    channel: { propDefinition: [acme, "channel", (configured) => ({ teamId: configured.projectId })] },
    labels: { type: "string[]", label: "Labels", optional: true, reloadProps: true,
      async options() { return ["bug", "feature"]; } },
    color: { type: "string", label: "Color", options: ["red", "blue"], optional: true },
  },
  async additionalProps() {
    if (this.projectId === 7) {
      return { extra: { type: "string", label: "Extra for project 7" } };
    }
    return { threshold: { type: "integer", label: "Threshold", min: 1, optional: true } };
  },
  hooks: {
    async deploy() {
      this.$emit({ deployed: true, projectId: this.projectId }, { id: "deploy", summary: "deployed" });
    },
    async activate() {
      this.db.set("activations", (this.db.get("activations") ?? 0) + 1);
    },
  },
  async run(event) {
    const n = (this.db.get("n") ?? 0) + 1;
    this.db.set("n", n);
    this.$emit({ n, projectId: this.projectId, greeting: this.acme.greeting(), timestamp: event.timestamp },
      { id: `item-${n}`, summary: `Item ${n}` });
  },
};
