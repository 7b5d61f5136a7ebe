// The entry point esbuild bundles into interceptors.mjs (see README.md here).
export { ClientRequestInterceptor } from "@mswjs/interceptors/ClientRequest";
export { FetchInterceptor } from "@mswjs/interceptors/fetch";
