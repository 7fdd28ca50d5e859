package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import quorumkv.client.KvRejectedException;
import quorumkv.client.KvUnavailableException;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.KeyValue;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

class ReadBatcherTest {
  private static final long DEADLINE = TimeUnit.SECONDS.toNanos(60);

  /** A sender whose calls the test completes by hand; it decodes each request to see its commands. */
  static final class ManualSender implements ReadBatcher.Sender {
    record Call(String op, List<Command> commands, long minIndex, long deadlineNanos, CompletableFuture<Response.Ok> reply) {}

    final List<Call> calls = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Response.Ok> send(String op, byte[] request, long minIndex, long deadlineNanos) {
      Call c = new Call(op, ((Request.Read) RequestCodec.decode(request)).commands(), minIndex, deadlineNanos,
          new CompletableFuture<>());
      calls.add(c);
      return c.reply();
    }

    synchronized Call call(int i) {
      return calls.get(i);
    }

    synchronized int count() {
      return calls.size();
    }

    /** Answers call {@code i} as the store would: each get's key with the value "v-" + key, at one index. */
    void answer(int i, long index) {
      Call c = call(i);
      List<Result> results = new ArrayList<>();
      for (Command command : c.commands()) {
        Bytes key = ((Command.Get) command).key();
        results.add(new Result.GetResult(new KeyValue(key, Bytes.utf8("v-" + key.toStringUtf8()), 1, 1, 1)));
      }
      c.reply().complete(new Response.Ok(index, results));
    }
  }

  private final ManualSender sender = new ManualSender();
  private final List<Runnable> handedOff = new ArrayList<>();
  private final Executor callbacks = handedOff::add;
  /** One call in flight: everything else queues for the next. */
  private final ReadBatcher b = new ReadBatcher(sender, callbacks, 64, 1, 1 << 20);

  private CompletableFuture<Response.Ok> get(ReadBatcher batcher, String key, long minIndex) {
    return get(batcher, key, minIndex, System.nanoTime() + DEADLINE);
  }

  private CompletableFuture<Response.Ok> get(ReadBatcher batcher, String key, long minIndex, long deadlineNanos) {
    Command get = new Command.Get(Bytes.utf8(key));
    return batcher.submit("get " + key, get, RequestCodec.encode(new Request.Read(List.of(get))), minIndex,
        deadlineNanos, true);
  }

  private static String value(CompletableFuture<Response.Ok> f) throws Exception {
    Response.Ok ok = f.get(1, TimeUnit.SECONDS);
    assertEquals(1, ok.results().size(), "each get sees its own result only");
    return ((Result.GetResult) ok.results().get(0)).kv().value().toStringUtf8();
  }

  @Test
  void aLoneGetGoesAtOnceAndGetsWaitingBehindItShareTheNextRequest() throws Exception {
    CompletableFuture<Response.Ok> first = get(b, "a", 0);
    assertEquals(1, sender.count(), "room in flight: sent at once, alone");
    assertEquals(1, sender.call(0).commands().size());

    List<CompletableFuture<Response.Ok>> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      queued.add(get(b, "k" + i, i == 3 ? 42 : 0));
    }
    assertEquals(1, sender.count(), "queued behind the call in flight");
    assertEquals(10, b.queued());

    sender.answer(0, 7);
    assertEquals("v-a", value(first));
    assertEquals(2, sender.count(), "the ten queued gets go as one request");
    assertEquals(10, sender.call(1).commands().size());
    assertEquals(42, sender.call(1).minIndex(), "the request's minimum index is its members' highest");
    assertTrue(sender.call(1).op().startsWith("batch of 10 gets"), sender.call(1).op());

    sender.answer(1, 9);
    for (int i = 0; i < 10; i++) {
      assertEquals("v-k" + i, value(queued.get(i)), "get " + i + " gets its own key's result");
      assertEquals(9, queued.get(i).get().index());
    }
  }

  @Test
  void aGetWhoseDeadlinePassedWhileQueuedGoesAloneAndLeavesTheOthersTheirDeadlines() throws Exception {
    CompletableFuture<Response.Ok> first = get(b, "a", 0);
    long soon = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
    long later = System.nanoTime() + DEADLINE;
    CompletableFuture<Response.Ok> expired = get(b, "late", 0, soon);
    CompletableFuture<Response.Ok> x = get(b, "x", 0, later);
    CompletableFuture<Response.Ok> y = get(b, "y", 0, later);
    Thread.sleep(5); // the first get's deadline passes while it waits behind the call in flight

    sender.answer(0, 1);
    assertEquals("v-a", value(first));
    assertEquals(3, sender.count(), "the expired get alone, the other two together");
    ManualSender.Call alone = sender.call(1);
    ManualSender.Call batch = sender.call(2);
    assertEquals(List.of(new Command.Get(Bytes.utf8("late"))), alone.commands());
    assertEquals(soon, alone.deadlineNanos(), "the expired get fails on its own call's deadline");
    assertEquals(2, batch.commands().size());
    assertEquals(later, batch.deadlineNanos(), "the others keep their own deadline");

    sender.answer(2, 2);
    assertEquals("v-x", value(x));
    assertEquals("v-y", value(y));
    KvUnavailableException ranOut = new KvUnavailableException("get late: the deadline ran out", null);
    alone.reply().completeExceptionally(ranOut);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, expired::get);
    assertSame(ranOut, e.getCause());
  }

  @Test
  void aRequestCarriesAtMostMaxReadsAndStaysWithinTheRequestSize() throws Exception {
    ReadBatcher small = new ReadBatcher(sender, callbacks, 4, 1, 1 << 20);
    get(small, "first", 0);
    for (int i = 0; i < 9; i++) {
      get(small, "k" + i, 0);
    }
    sender.answer(0, 1);
    assertEquals(4, sender.call(1).commands().size());
    sender.answer(1, 1);
    assertEquals(4, sender.call(2).commands().size());
    sender.answer(2, 1);
    assertEquals(1, sender.call(3).commands().size());

    int oneGet = RequestCodec.encode(new Request.Read(List.of(new Command.Get(Bytes.utf8("k0"))))).length;
    ReadBatcher tight = new ReadBatcher(sender, callbacks, 64, 1, 3 * oneGet);
    int before = sender.count();
    get(tight, "x", 0);
    for (int i = 0; i < 7; i++) {
      get(tight, "k" + i, 0);
    }
    sender.answer(before, 1);
    assertEquals(3, sender.call(before + 1).commands().size(), "three gets of this size fill a request");
  }

  @Test
  void aRequestsRepliesStayWithinTheReplyBudgetWhateverTheValues() {
    // Default limits: values up to 1 MiB, so about 31 gets of the largest values fill 32 MiB of reply.
    assertEquals(31, ReadBatcher.maxReads(64, quorumkv.raftlog.command.RequestLimits.DEFAULTS));
    var small = new quorumkv.raftlog.command.RequestLimits(256, 4096, 128, 1 << 20, 1000);
    assertEquals(64, ReadBatcher.maxReads(64, small), "small values: the configured 64");
    var fewOps = new quorumkv.raftlog.command.RequestLimits(256, 4096, 8, 1 << 20, 1000);
    assertEquals(8, ReadBatcher.maxReads(64, fewOps), "never more than the cluster's operations per request");
    var huge = new quorumkv.raftlog.command.RequestLimits(4096, 48 << 20, 128, 64 << 20, 1000);
    assertEquals(1, ReadBatcher.maxReads(64, huge), "values larger than the budget: one get per request");
  }

  @Test
  void aFailedRequestOfSeveralGetsIsAskedAgainOneByOneAndEachGetsItsOwnAnswer() throws Exception {
    get(b, "a", 0);
    CompletableFuture<Response.Ok> x = get(b, "x", 0);
    CompletableFuture<Response.Ok> y = get(b, "y", 0);
    sender.answer(0, 1);
    assertEquals(2, sender.call(1).commands().size());
    // The cluster refuses the combined request (its limits are lower than this client's, say).
    sender.call(1).reply().completeExceptionally(new KvRejectedException(ErrorCode.TOO_MANY_OPERATIONS,
        "too many operations", null));
    assertFalse(x.isDone(), "the refusal is not the members' answer");
    assertEquals(4, sender.count(), "each member asks alone");
    assertEquals(List.of(new Command.Get(Bytes.utf8("x"))), sender.call(2).commands());
    assertEquals(List.of(new Command.Get(Bytes.utf8("y"))), sender.call(3).commands());
    sender.answer(2, 2);
    KvUnavailableException down = new KvUnavailableException("no node answered", null);
    sender.call(3).reply().completeExceptionally(down);
    assertEquals("v-x", value(x));
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, y::get);
    assertSame(down, e.getCause(), "y's own call's failure, as it is");
  }

  @Test
  void aGetWhoseCallerDoesNotWaitIsCompletedOnTheCallbackExecutor() throws Exception {
    Command get = new Command.Get(Bytes.utf8("async"));
    CompletableFuture<Response.Ok> f = b.submit("get async", get, RequestCodec.encode(new Request.Read(List.of(get))), 0,
        System.nanoTime() + DEADLINE, false);
    sender.answer(0, 1);
    assertFalse(f.isDone(), "not on the thread that settled the call");
    assertEquals(1, handedOff.size());
    handedOff.get(0).run();
    assertEquals("v-async", value(f));
  }

  @Test
  void closingFailsQueuedGetsAndRefusesNewOnes() throws Exception {
    get(b, "a", 0);
    CompletableFuture<Response.Ok> queued = get(b, "q", 0);
    b.close();
    assertInstanceOf(KvUnavailableException.class,
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, queued::get).getCause());
    assertInstanceOf(KvUnavailableException.class, org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> get(b, "late", 0).get()).getCause());
    assertEquals(1, sender.count(), "nothing queued was sent");
  }
}
