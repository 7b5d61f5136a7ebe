// The benchmark's trigger: its deploy hook emits one event, so "deploy to first event" is one deploy.
export default {
  key: "bench-ticket", name: "Bench Ticket", version: "0.1.0", type: "source",
  props: { db: "$.service.db" },
  hooks: { async deploy() { this.$emit({ ticket: 0, body: "x".repeat(200) }, { id: "0", summary: "ticket 0" }); } },
  async run() { this.$emit({ ticket: Date.now() }, { summary: "ticket" }); },
};
