// An HTTP source with a custom response: answers each request and emits its body.
export default {
  key: "webhook-echo",
  name: "Webhook Echo",
  description: "Emit every request to the endpoint and answer it with a JSON receipt.",
  version: "0.1.0",
  type: "source",
  props: {
    http: { type: "$.interface.http", customResponse: true },
    secret: { type: "string", label: "Shared secret", description: "Expected in the x-secret header", optional: true, secret: true },
  },
  async run(event) {
    if (this.secret && event.headers?.["x-secret"] !== this.secret) {
      this.http.respond({ status: 401, body: { error: "bad secret" } });
      return;
    }
    this.http.respond({ status: 200, headers: { "x-received-at": new Date().toISOString() }, body: { ok: true } });
    this.$emit(event.body ?? event, { summary: `${event.method ?? "RUN"} ${event.path ?? ""}`.trim(), ts: Date.now() });
  },
};
