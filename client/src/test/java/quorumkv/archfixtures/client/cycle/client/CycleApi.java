package quorumkv.archfixtures.client.cycle.client;

import quorumkv.archfixtures.client.cycle.client.internal.CycleImpl;

/** Breaks "no package cycles": the API uses its implementation, which uses the API. */
public interface CycleApi {
  static CycleApi create() {
    return new CycleImpl();
  }
}
