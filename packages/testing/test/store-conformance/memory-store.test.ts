import { createMemoryStore, type DeliveryStore } from "@telehook/core";
import { describeStoreConformance } from "@telehook/testing/store-conformance";

// Stores of one namespace share one memory store, as two handlers of one process would.
const stores = new Map<string, DeliveryStore>();

describeStoreConformance("memory store", {
  create(namespace) {
    const store = stores.get(namespace) ?? createMemoryStore();
    stores.set(namespace, store);
    return store;
  },
});
