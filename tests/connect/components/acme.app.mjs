export default {
  type: "app",
  app: "acme",
  propDefinitions: {
    projectId: {
      type: "integer",
      label: "Project",
      async options({ page, prevContext }) {
        console.log(`listing projects, page ${page}`);
        const key = this.$auth.api_key ?? "none";
        return {
          options: [{ label: `project-of-${key}`, value: 45672541 }, { label: "second", value: 7 }],
          context: { cursor: `after-${page}`, previous: prevContext.cursor ?? null },
        };
      },
    },
    channel: {
      type: "string",
      label: "Channel",
      optional: true,
      async options({ teamId }) {
        return [`${teamId}-general`, `${teamId}-random`];
      },
    },
  },
  methods: {
    greeting() {
      return `hello ${this.$auth.api_key}`;
    },
  },
};
