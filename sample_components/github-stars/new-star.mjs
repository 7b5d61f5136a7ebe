// Greatest-id dedupe: a source that only emits star counts it has not seen rise past.
export default {
  key: "github-new-star-count",
  name: "New Star Count",
  description: "Emit when a repository's star count reaches a new maximum.",
  version: "0.1.0",
  type: "source",
  dedupe: "greatest",
  props: {
    timer: { type: "$.interface.timer", default: { intervalSeconds: 3600 } },
    repo: { type: "string", label: "Repository", description: "owner/name", default: "PipedreamHQ/pipedream" },
  },
  async run(event) {
    // Offline by default: the count is simulated from the timer's timestamp.
    const stars = 9000 + Math.floor((event?.timestamp ?? Date.now() / 1000) / 3600) % 50;
    this.$emit({ repo: this.repo, stars }, { id: stars, summary: `${this.repo}: ${stars} stars` });
  },
};
