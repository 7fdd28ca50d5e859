package quorumkv.raftlog.statemachine;

import java.io.IOException;
import quorumkv.raftlog.store.RocksKvStore;

/**
 * Work on the live store, run by {@link KvStateMachine#withStore} while the store cannot be swapped or
 * closed. The store must not escape the call.
 */
@FunctionalInterface
public interface StoreCall<T> {
  T call(RocksKvStore store) throws IOException;
}
