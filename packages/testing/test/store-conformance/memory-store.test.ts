import { createMemoryStore, type DeliveryStore } from "@telehook/core";
import { describeStoreConformance } from "@telehook/testing/store-conformance";

// Stores of one namespace share one memory store, as two handlers of one process would.
const stores = new Map<string, DeliveryStore>();

describeStoreConformance("memory store", {
  create(namespace) {
    let store = stores.get(namespace);
    if (!store) stores.set(namespace, (store = createMemoryStore()));
    return store;
  },
});
