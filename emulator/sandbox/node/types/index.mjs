// ESM entry of the offline @pipedream/types.
import types from "./index.cjs";

export default types;
export const { defineApp, defineAction, defineSource } = types;
