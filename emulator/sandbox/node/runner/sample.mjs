// `sampleEmit`: the sample event many registry sources export (from their test-event.mjs),
// emitted as if run() had emitted it, with the component's own generateMeta when it has one.
export async function emitSample(component, self) {
  const exported = component.sampleEmit;
  if (exported === undefined) {
    throw Object.assign(new Error("the component exports no sampleEmit (a sample event), so there is nothing to emit"),
      { name: "NoSampleEmit" });
  }
  const event = typeof exported === "function" ? await exported.call(self) : structuredClone(exported);
  let metadata = { summary: "sample event" };
  if (typeof self.generateMeta === "function") {
    try {
      metadata = await self.generateMeta(event);
    } catch (error) {
      console.warn(`generateMeta() failed on the sample event (${error.message}); emitting it with summary "sample event"`);
    }
  }
  self.$emit(event, metadata);
}
