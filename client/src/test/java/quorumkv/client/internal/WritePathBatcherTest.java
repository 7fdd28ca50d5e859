package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import quorumkv.client.KvIndeterminateException;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

class WritePathBatcherTest {
  private static final long LONG_DEADLINE = TimeUnit.SECONDS.toNanos(60);

  /** Most cases: one call in flight (everything else queues), no byte pressure. */
  private final ManualSender sender = new ManualSender();
  private final WritePath.Batcher b = new WritePath.Batcher(sender, 64, 1, 1 << 20);

  /** A sender whose calls the test completes by hand. */
  static final class ManualSender implements WritePath.Batcher.Sender {
    record Call(String op, List<Command> commands, long deadlineNanos, CompletableFuture<Response.Ok> reply) {}

    final List<Call> calls = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Response.Ok> send(String op, List<Command> commands, long deadlineNanos) {
      Call c = new Call(op, commands, deadlineNanos, new CompletableFuture<>());
      calls.add(c);
      return c.reply();
    }

    synchronized Call call(int i) {
      return calls.get(i);
    }

    synchronized int count() {
      return calls.size();
    }

    /** Answers call {@code i} as the state machine would: one put result per command, at one index. */
    void answer(int i, long index) {
      Call c = call(i);
      List<Result> results = new ArrayList<>();
      for (int k = 0; k < c.commands().size(); k++) {
        results.add(new Result.PutResult(index, null));
      }
      c.reply().complete(new Response.Ok(index, results));
    }
  }

  private static Command put(String key) {
    return new Command.Put(Bytes.utf8(key), Bytes.utf8("v"));
  }

  private static CompletableFuture<Response.Ok> submit(WritePath.Batcher b, String key) {
    return b.submit("put " + key, put(key), 40, System.nanoTime() + LONG_DEADLINE);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got " + f.join());
  }

  @Test
  void aLoneWriteGoesOutAtOnceAndWritesArrivingMeanwhileShareTheNextEntry() throws Exception {
    CompletableFuture<Response.Ok> first = submit(b, "a");
    assertEquals(1, sender.count(), "a lone write is sent without waiting");
    List<CompletableFuture<Response.Ok>> later = new ArrayList<>();
    for (String k : List.of("b", "c", "d", "e", "f")) {
      later.add(submit(b, k));
    }
    assertEquals(1, sender.count(), "with one call in flight the others queue");
    assertEquals(5, b.queued());

    sender.answer(0, 10);
    assertEquals(10, first.get().index());
    assertEquals(2, sender.count(), "the end of the first call sends the queued writes as one batch");
    assertEquals(List.of(put("b"), put("c"), put("d"), put("e"), put("f")), sender.call(1).commands());

    sender.answer(1, 11);
    for (CompletableFuture<Response.Ok> f : later) {
      Response.Ok ok = f.get();
      assertEquals(11, ok.index());
      assertEquals(1, ok.results().size(), "each write gets its own result only");
    }
    assertEquals(0, b.queued());
  }

  @Test
  void resultsAreSplitInOrder() throws Exception {
    submit(b, "x");
    CompletableFuture<Response.Ok> p = submit(b, "p");
    CompletableFuture<Response.Ok> q = submit(b, "q");
    sender.answer(0, 1);
    sender.call(1).reply().complete(new Response.Ok(2, List.of(new Result.PutResult(2, null),
        new Result.DeleteResult(2, null))));
    assertInstanceOf(Result.PutResult.class, p.get().results().get(0));
    assertInstanceOf(Result.DeleteResult.class, q.get().results().get(0));
  }

  @Test
  void twoWritesOnOneKeyNeverShareAnEntry() {
    submit(b, "first");
    submit(b, "k");
    submit(b, "k");
    submit(b, "j");
    sender.answer(0, 1);
    assertEquals(List.of(put("k")), sender.call(1).commands(), "the batch stops before the second write on k");
    sender.answer(1, 2);
    assertEquals(List.of(put("k"), put("j")), sender.call(2).commands());
  }

  @Test
  void batchesRespectTheOperationAndByteLimits() {
    ManualSender sender = new ManualSender();
    WritePath.Batcher byCount = new WritePath.Batcher(sender, 3, 1, 1 << 20);
    submit(byCount, "first");
    for (int i = 0; i < 7; i++) {
      submit(byCount, "k" + i);
    }
    sender.answer(0, 1);
    assertEquals(3, sender.call(1).commands().size());
    sender.answer(1, 2);
    assertEquals(3, sender.call(2).commands().size());
    sender.answer(2, 3);
    assertEquals(1, sender.call(3).commands().size());

    ManualSender sender2 = new ManualSender();
    WritePath.Batcher byBytes = new WritePath.Batcher(sender2, 64, 1, 100); // each write counts 40 bytes
    submit(byBytes, "first");
    for (int i = 0; i < 3; i++) {
      submit(byBytes, "k" + i);
    }
    sender2.answer(0, 1);
    assertEquals(2, sender2.call(1).commands().size(), "80 bytes fit in 100, 120 do not");
  }

  @Test
  void severalCallsInFlightBeforeQueueing() {
    ManualSender sender = new ManualSender();
    WritePath.Batcher b = new WritePath.Batcher(sender, 64, 3, 1 << 20);
    for (int i = 0; i < 5; i++) {
      submit(b, "k" + i);
    }
    assertEquals(3, sender.count(), "three lone writes go out before anything queues");
    assertEquals(2, b.queued());
  }

  @Test
  void aFailedCallFailsEveryWriteOfItsBatchTheSameWay() {
    submit(b, "first");
    CompletableFuture<Response.Ok> p = submit(b, "p");
    CompletableFuture<Response.Ok> q = submit(b, "q");
    sender.answer(0, 1);
    sender.call(1).reply().completeExceptionally(new KvIndeterminateException("deadline; may have applied", null));
    assertInstanceOf(KvIndeterminateException.class, failure(p));
    assertInstanceOf(KvIndeterminateException.class, failure(q));
  }

  @Test
  void aBatchRefusedAsTooLargeGoesBackFirstInSmallerBatches() throws Exception {
    submit(b, "first");
    CompletableFuture<Response.Ok> p = submit(b, "p");
    CompletableFuture<Response.Ok> q = submit(b, "q");
    sender.answer(0, 1);
    submit(b, "later");
    sender.call(1).reply().completeExceptionally(
        new KvRejectedException(ErrorCode.TOO_MANY_OPERATIONS, "the cluster allows 1 operation", null));
    assertEquals(List.of(put("p")), sender.call(2).commands(), "the refused writes go first, half as many");
    sender.answer(2, 5);
    assertEquals(List.of(put("q")), sender.call(3).commands());
    sender.answer(3, 6);
    assertEquals(List.of(put("later")), sender.call(4).commands());
    assertEquals(5, p.get().index());
    assertEquals(6, q.get().index());
  }

  /** Nodes that allow 8 operations: refused at 64, 32 and 16 writes, then every batch is 8 and accepted. */
  @Test
  void batchesShrinkToWhatTheClusterAcceptsAndStayThere() throws Exception {
    WritePath.Batcher.Sender strict = new WritePath.Batcher.Sender() {
      final java.util.concurrent.atomic.AtomicLong index = new java.util.concurrent.atomic.AtomicLong();

      @Override
      public CompletableFuture<Response.Ok> send(String op, List<Command> commands, long deadlineNanos) {
        CompletableFuture<Response.Ok> first = sender.send(op, commands, deadlineNanos);
        if (sender.count() == 1) {
          return first;   // held by the test until the rest have queued
        }
        if (commands.size() > 8) {
          return CompletableFuture.failedFuture(
              new KvRejectedException(ErrorCode.TOO_MANY_OPERATIONS, commands.size() + " > 8", null));
        }
        List<Result> results = new ArrayList<>();
        long i = index.incrementAndGet();
        for (int k = 0; k < commands.size(); k++) {
          results.add(new Result.PutResult(i, null));
        }
        return CompletableFuture.completedFuture(new Response.Ok(i, results));
      }
    };
    WritePath.Batcher eight = new WritePath.Batcher(strict, 64, 1, 1 << 20);
    // The first write holds the only in-flight slot until the other 199 have queued.
    List<CompletableFuture<Response.Ok>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(submit(eight, "k" + i));
    }
    sender.answer(0, 1);
    for (CompletableFuture<Response.Ok> f : all) {
      assertEquals(1, f.get(5, TimeUnit.SECONDS).results().size());
    }
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < sender.count(); i++) {
      sizes.add(sender.call(i).commands().size());
    }
    assertEquals(3, sizes.stream().filter(n -> n > 8).count(), "refused at 64, 32 and 16 only: " + sizes);
    assertEquals(List.of(1, 64, 32, 16, 8), sizes.subList(0, 5), "then batches of 8");
    assertTrue(sizes.subList(4, sizes.size()).stream().allMatch(n -> n <= 8), sizes.toString());
  }

  @Test
  void aLoneWriteRefusedAsTooLargeStaysRefused() {
    CompletableFuture<Response.Ok> p = submit(b, "p");
    sender.call(0).reply().completeExceptionally(
        new KvRejectedException(ErrorCode.REQUEST_TOO_LARGE, "too large", null));
    assertInstanceOf(KvRejectedException.class, failure(p));
    assertEquals(1, sender.count());
  }

  @Test
  void aQueuedWriteWhoseDeadlinePassesIsFailedUnsentAsUnavailable() throws Exception {
    submit(b, "first");
    CompletableFuture<Response.Ok> late = b.submit("put late", put("late"), 40, System.nanoTime() + 1_000_000);
    Thread.sleep(5);
    sender.answer(0, 1);
    Throwable t = failure(late);
    assertInstanceOf(KvUnavailableException.class, t, "never sent, so certainly not applied");
    assertTrue(t.getMessage().contains("not sent"), t.getMessage());
    assertEquals(1, sender.count());
  }

  @Test
  void theBatchRunsToItsEarliestMembersDeadline() {
    long now = System.nanoTime();
    submit(b, "first");
    b.submit("put p", put("p"), 40, now + TimeUnit.SECONDS.toNanos(30));
    b.submit("put q", put("q"), 40, now + TimeUnit.SECONDS.toNanos(20));
    sender.answer(0, 1);
    assertEquals(now + TimeUnit.SECONDS.toNanos(20), sender.call(1).deadlineNanos());
  }

  @Test
  void closeFailsQueuedWritesAndRefusesNewOnes() {
    CompletableFuture<Response.Ok> inFlight = submit(b, "first");
    CompletableFuture<Response.Ok> queued = submit(b, "q");
    b.close();
    assertInstanceOf(KvUnavailableException.class, failure(queued));
    assertInstanceOf(KvUnavailableException.class, failure(submit(b, "after")));
    sender.answer(0, 1);
    assertEquals(1, inFlight.join().index(), "a call already sent still reports its outcome");
    assertEquals(1, sender.count());
  }

  @Test
  void aResponseWithTheWrongNumberOfResultsLeavesEveryWriteUncertain() {
    submit(b, "first");
    CompletableFuture<Response.Ok> p = submit(b, "p");
    CompletableFuture<Response.Ok> q = submit(b, "q");
    sender.answer(0, 1);
    sender.call(1).reply().complete(new Response.Ok(2, List.of(new Result.PutResult(2, null))));
    assertInstanceOf(KvIndeterminateException.class, failure(p));
    assertInstanceOf(KvIndeterminateException.class, failure(q));
  }

  @Test
  void onlySingleKeyWritesAreBatchable() {
    assertEquals(Bytes.utf8("k"), WritePath.Batcher.batchKey(put("k")));
    assertEquals(Bytes.utf8("k"), WritePath.Batcher.batchKey(new Command.Delete(Bytes.utf8("k"))));
    assertNull(WritePath.Batcher.batchKey(new Command.Txn(List.of(), List.of(put("a"), put("b")), List.of())));
  }
}
