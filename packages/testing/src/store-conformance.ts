/**
 * `@telehook/testing/store-conformance`: the behaviour every telehook `DeliveryStore` must show, as one
 * vitest suite. The memory store and `@telehook/redis` pass it; run it against a store of your own.
 *
 * @packageDocumentation
 *
 * @example
 * import { createMemoryStore } from "@telehook/core";
 * import { describeStoreConformance } from "@telehook/testing/store-conformance";
 * const stores = new Map();
 * describeStoreConformance("memory", {
 *   create(namespace) {
 *     const store = stores.get(namespace) ?? createMemoryStore();
 *     stores.set(namespace, store);
 *     return store;
 *   },
 * });
 */
export {
  describeStoreConformance,
  type StoreConformanceOptions,
  type StoreOutage,
} from "./store-conformance/suite.js";
