// @pipedream/sdk against the emulator, and the same operations on /v1 with fetch, in one process.
// argv: deploys lists; env: PIPEDREAM_* plus EMULATOR_URL and EMULATOR_KEY. Prints one JSON object.
import { PipedreamClient } from "@pipedream/sdk";

const [deploys, lists] = process.argv.slice(2).map(Number);
const v1 = { Authorization: `Bearer ${process.env.EMULATOR_KEY}`, "Content-Type": "application/json" };
const pd = new PipedreamClient();
const timed = async (fn) => { const start = performance.now(); await fn(); return performance.now() - start; };

async function v1Deploy() {
  const created = await (await fetch(`${process.env.EMULATOR_URL}/v1/sources`, {
    method: "POST", headers: v1, body: JSON.stringify({ key: "bench-ticket" }) })).json();
  const events = await (await fetch(`${process.env.EMULATOR_URL}/v1/sources/${created.data.id}/event_summaries`,
    { headers: v1 })).json();
  if (events.data.length < 1) throw new Error("no event after a /v1 deploy");
  return created.data.id;
}

async function sdkDeploy() {
  const trigger = (await pd.triggers.deploy({ id: "bench-ticket", externalUserId: "bench-node" })).data;
  const events = (await pd.deployedTriggers.listEvents(trigger.id, { externalUserId: "bench-node" })).data;
  if (events.length < 1) throw new Error("no event after a Connect deploy");
  return trigger.id;
}

await pd.rawAccessToken;                                     // the token request is not part of any figure
await sdkDeploy();
const v1Id = await v1Deploy();
const result = { sdk_deploy_ms: [], v1_deploy_ms: [], sdk_events_ms: [], v1_events_ms: [] };
let triggerId;
for (let i = 0; i < deploys; i++) {
  result.sdk_deploy_ms.push(await timed(async () => { triggerId = await sdkDeploy(); }));
  result.v1_deploy_ms.push(await timed(v1Deploy));
}
for (let i = 0; i < lists; i++) {
  result.sdk_events_ms.push(await timed(() => pd.deployedTriggers.listEvents(triggerId, { externalUserId: "bench-node", n: 20 })));
  result.v1_events_ms.push(await timed(async () => (await fetch(
    `${process.env.EMULATOR_URL}/v1/sources/${v1Id}/event_summaries?limit=20`, { headers: v1 })).json()));
}
const cpu = process.cpuUsage();
result.client_cpu_ms = (cpu.user + cpu.system) / 1000;
console.log(JSON.stringify(result));
