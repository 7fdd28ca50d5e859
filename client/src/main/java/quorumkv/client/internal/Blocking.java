package quorumkv.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import quorumkv.client.KvException;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvUnavailableException;

/**
 * Waits for a future on behalf of the blocking facet. The future itself always completes by the call's
 * deadline (see {@link RetryingCall}); this class only unwraps its failure into the {@link KvException}
 * the caller expects.
 */
public final class Blocking {
  private Blocking() {}

  public static <T> T read(CompletableFuture<T> future) {
    return join(future, false);
  }

  public static <T> T write(CompletableFuture<T> future) {
    return join(future, true);
  }

  private static <T> T join(CompletableFuture<T> future, boolean write) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // The call goes on in the background until its deadline: a write may still apply.
      throw write
          ? new KvIndeterminateException("interrupted while waiting; the write may still apply", e)
          : new KvUnavailableException("interrupted while waiting for a read", e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  /** The exception a caller should see for a failed future's cause. */
  static RuntimeException unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new KvUnavailableException("unexpected failure: " + t, t);
  }
}
