// What this app's environment (PIPEDREAM_PROJECT_ENVIRONMENT) sees of EXTERNAL_USER_ID's triggers and of TRIGGER_ID.
import { PipedreamClient } from "@pipedream/sdk";
import { all, statusOf } from "./paging.mjs";

const pd = new PipedreamClient();
const externalUserId = process.env.EXTERNAL_USER_ID;
const listed = await all(pd.deployedTriggers.list({ externalUserId }));
const retrieve = await statusOf(pd.deployedTriggers.retrieve(process.env.TRIGGER_ID, { externalUserId }));
console.log(JSON.stringify({ listed: listed.map((t) => t.id), retrieve }));
