// An app built on @pipedream/sdk, configured only by PIPEDREAM_* variables, running the trigger lifecycle.
// The test harness also gives it WEBHOOK_URL and EMULATOR_URL/EMULATOR_KEY (to advance the emulator's clock).
// It prints one JSON line per step for the pytest side to check; node:assert fails it early.
import assert from "node:assert/strict";
import { PipedreamClient } from "@pipedream/sdk";
import { all, statusOf } from "./paging.mjs";

const USER = "user-node";
const step = (name, data) => console.log(JSON.stringify({ step: name, ...data }));

async function advance(seconds) {
  const response = await fetch(`${process.env.EMULATOR_URL}/_emulator/clock/advance`, {
    method: "POST",
    headers: { Authorization: `Bearer ${process.env.EMULATOR_KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({ seconds }),
  });
  assert.equal(response.status, 200);
}

const pd = new PipedreamClient();
step("token", { token: await pd.rawAccessToken });

const keys = (await all(pd.triggers.list({ limit: 2 }))).map((c) => c.key);
const component = (await pd.triggers.retrieve("acme-new-item")).data;
step("registry", { keys, name: component.name });

const ctok = await pd.tokens.create({ externalUserId: USER });
const account = await pd.accounts.create({ appSlug: "acme", cfmapJson: JSON.stringify({ api_key: "k-node" }),
  connectToken: ctok.token });
const configured = { acme: { authProvisionId: account.id } };
const options = await pd.triggers.configureProp({ id: "acme-new-item", externalUserId: USER, propName: "projectId",
  configuredProps: configured });
const reloaded = await pd.triggers.reloadProps({ id: "acme-new-item", externalUserId: USER,
  configuredProps: { ...configured, projectId: 7 } });
step("configure", { options: options.options, props: reloaded.dynamicProps.configurableProps.map((p) => p.name) });

const deployed = (await pd.triggers.deploy({ id: "acme-new-item", externalUserId: USER,
  configuredProps: { ...configured, projectId: 45672541 }, webhookUrl: process.env.WEBHOOK_URL })).data;
const other = (await pd.triggers.deploy({ id: "acme-new-item", externalUserId: USER,
  configuredProps: { ...configured, projectId: 45672541 }, emitOnDeploy: false })).data;
const listed = (await all(pd.deployedTriggers.list({ externalUserId: USER, limit: 1 }))).map((t) => t.id);
const retrieved = (await pd.deployedTriggers.retrieve(deployed.id, { externalUserId: USER })).data;
step("deploy", { id: deployed.id, other: other.id, listed, signingKey: deployed.webhookSigningKey,
  ownerId: retrieved.ownerId });

await advance(60);
const events = (await pd.deployedTriggers.listEvents(deployed.id, { externalUserId: USER })).data;
step("events", { events: events.map((e) => e.e) });

const renamed = (await pd.deployedTriggers.update(deployed.id, { externalUserId: USER, name: "Renamed",
  configuredProps: { ...configured, projectId: 45672541, threshold: 2 } })).data;
await pd.deployedTriggers.update(deployed.id, { externalUserId: USER, active: false });
await advance(600);
const whilePaused = (await pd.deployedTriggers.listEvents(deployed.id, { externalUserId: USER })).data.length;
await pd.deployedTriggers.update(deployed.id, { externalUserId: USER, active: true });
await advance(60);
const afterResume = (await pd.deployedTriggers.listEvents(deployed.id, { externalUserId: USER })).data.length;
step("update", { name: renamed.name, threshold: renamed.configuredProps.threshold, whilePaused, afterResume });

const hooks = await pd.deployedTriggers.updateWebhooks(deployed.id, { externalUserId: USER,
  webhookUrls: [process.env.WEBHOOK_URL, `${process.env.WEBHOOK_URL}-second`] });
const workflows = await pd.deployedTriggers.updateWorkflows(deployed.id, { externalUserId: USER,
  workflowIds: ["p_node1"] });
step("webhooks", { urls: hooks.webhookUrls, keysSet: hooks.webhooks.map((w) => w.signingKeySet),
  workflows: (await pd.deployedTriggers.listWorkflows(deployed.id, { externalUserId: USER })).workflowIds,
  updated: workflows.workflowIds });

const strangers = await all(pd.deployedTriggers.list({ externalUserId: "someone-else" }));
const strangerRetrieve = await statusOf(pd.deployedTriggers.retrieve(deployed.id, { externalUserId: "someone-else" }));
step("isolation", { strangers: strangers.length, strangerRetrieve });

await pd.deployedTriggers.delete(deployed.id, { externalUserId: USER });
const afterDelete = await statusOf(pd.deployedTriggers.retrieve(deployed.id, { externalUserId: USER }));
let errorName = null;
try {
  await pd.deployedTriggers.retrieve(deployed.id, { externalUserId: USER });
} catch (error) {
  errorName = error.constructor.name;
}
step("delete", { afterDelete, errorName });
