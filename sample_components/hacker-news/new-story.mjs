import { axios, DEFAULT_POLLING_SOURCE_TIMER_INTERVAL } from "@pipedream/platform";

// A polling source: a timer, a db cursor, and unique dedupe on the story id.
export default {
  key: "hacker-news-new-story",
  name: "New Story (Hacker News)",
  description: "Emit new Hacker News stories matching a keyword.",
  version: "0.1.0",
  type: "source",
  dedupe: "unique",
  props: {
    db: "$.service.db",
    timer: {
      type: "$.interface.timer",
      default: { intervalSeconds: DEFAULT_POLLING_SOURCE_TIMER_INTERVAL },
    },
    keyword: { type: "string", label: "Keyword", description: "Only stories whose title contains it", optional: true },
    apiUrl: {
      type: "string",
      label: "API URL",
      description: "Algolia's Hacker News search endpoint (point it at a local server in tests)",
      default: "https://hn.algolia.com/api/v1/search_by_date",
    },
  },
  methods: {
    lastSeen() {
      return this.db.get("lastSeen") ?? 0;
    },
  },
  async run() {
    const since = this.lastSeen();
    const { hits = [] } = await axios(this, {
      url: this.apiUrl,
      params: { tags: "story", query: this.keyword ?? "", numericFilters: `created_at_i>${since}` },
    });
    let newest = since;
    for (const story of hits) {
      newest = Math.max(newest, story.created_at_i);
      this.$emit(story, { id: story.objectID, summary: story.title, ts: story.created_at_i * 1000 });
    }
    this.db.set("lastSeen", newest);
    console.log(`checked ${hits.length} stories since ${new Date(since * 1000).toISOString()}`);
  },
};
