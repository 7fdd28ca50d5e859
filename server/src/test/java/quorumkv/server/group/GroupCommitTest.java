package quorumkv.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Caller;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Guard;
import quorumkv.raftlog.command.GroupWrite;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;
import quorumkv.raftlog.command.ResultCodec;

/** Which calls share an entry, in what order, and what each caller is told. */
class GroupCommitTest {
  /** A log that holds each appended entry until the test completes it. */
  static final class HeldLog implements GroupCommit.Log {
    final List<byte[]> entries = new ArrayList<>();
    final List<CompletableFuture<byte[]>> pending = new ArrayList<>();
    GroupWrite.NotLeader notLeading;
    GroupWrite.Refused refusal;

    @Override
    public GroupWrite.NotLeader notLeading() {
      return notLeading;
    }

    @Override
    public GroupWrite.Refused refusal(byte[] write) {
      return refusal;
    }

    @Override
    public synchronized CompletableFuture<byte[]> append(byte[] entry) {
      entries.add(entry);
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      pending.add(f);
      return f;
    }

    /** Applies entry {@code i} the way the state machine answers: one response per write, by index. */
    void apply(int i, long index) {
      Request r = RequestCodec.decode(entries.get(i));
      if (r instanceof Request.Group g) {
        List<Response> responses = new ArrayList<>();
        for (Request m : g.members()) {
          responses.add(ok(index, m));
        }
        pending.get(i).complete(ResultCodec.encodeGroup(responses));
      } else {
        pending.get(i).complete(ResultCodec.encode(ok(index, r)));
      }
    }

    private static Response ok(long index, Request m) {
      List<Result> results = new ArrayList<>();
      m.commands().forEach(c -> results.add(new Result.PutResult(index, null)));
      return new Response.Ok(index, results);
    }
  }

  private static byte[] put(String key) {
    return RequestCodec.encode(new Request.Write(UUID.randomUUID(), 1, 1, List.of(new Command.Put(Bytes.utf8(key),
        Bytes.utf8("v")))));
  }

  @Test
  void aLoneCallGoesAtOnceAsAnOrdinaryEntryAndLaterOnesShareTheNext() {
    HeldLog log = new HeldLog();
    GroupCommit commit = new GroupCommit(log, 1, 256, 1 << 20);
    CompletableFuture<GroupWrite.Reply> first = commit.submit(put("a"));
    assertEquals(1, log.entries.size());
    assertEquals(RequestCodec.Kind.WRITE, RequestCodec.kindOf(log.entries.get(0)), "alone: no group around it");
    List<CompletableFuture<GroupWrite.Reply>> waiting = new ArrayList<>();
    for (String k : List.of("b", "c", "d")) {
      waiting.add(commit.submit(put(k)));
    }
    assertEquals(1, log.entries.size(), "queued while one entry is in flight");
    log.apply(0, 10);
    assertEquals(10, ((Response.Ok) ((GroupWrite.Applied) first.join()).response()).index());
    assertEquals(2, log.entries.size());
    Request.Group group = assertInstanceOf(Request.Group.class, RequestCodec.decode(log.entries.get(1)));
    assertEquals(3, group.members().size());
    log.apply(1, 11);
    for (CompletableFuture<GroupWrite.Reply> w : waiting) {
      Response.Ok ok = (Response.Ok) ((GroupWrite.Applied) w.join()).response();
      assertEquals(11, ok.index());
      assertEquals(1, ok.results().size(), "each caller gets its own results only");
    }
    assertEquals(1, commit.groupsAndCalls()[0]);
    assertEquals(3, commit.groupsAndCalls()[1]);
  }

  @Test
  void aGroupStopsBeforeASecondWriteOfOneKeyAndBeforeATransactionInArrivalOrder() {
    HeldLog log = new HeldLog();
    GroupCommit commit = new GroupCommit(log, 1, 256, 1 << 20);
    commit.submit(put("x"));   // in flight
    commit.submit(put("a"));
    commit.submit(put("b"));
    commit.submit(put("a"));   // same key as a queued one: next entry
    byte[] txn = RequestCodec.encode(new Request.Write(UUID.randomUUID(), 1, 1, List.of(new Command.Txn(
        List.of(Guard.absent(Bytes.utf8("t"))), List.of(new Command.Put(Bytes.utf8("t"), Bytes.utf8("1"))),
        List.of()))));
    commit.submit(txn);        // alone
    commit.submit(put("c"));
    log.apply(0, 1);
    assertEquals(2, ((Request.Group) RequestCodec.decode(log.entries.get(1))).members().size(), "a, b");
    log.apply(1, 2);
    assertEquals(RequestCodec.Kind.WRITE, RequestCodec.kindOf(log.entries.get(2)), "the second a, alone before the txn");
    log.apply(2, 3);
    assertEquals(RequestCodec.Kind.WRITE, RequestCodec.kindOf(log.entries.get(3)), "the transaction alone");
    log.apply(3, 4);
    assertEquals(RequestCodec.Kind.WRITE, RequestCodec.kindOf(log.entries.get(4)), "c");
  }

  @Test
  void aGroupHoldsAtMostItsWritesAndBytes() {
    HeldLog log = new HeldLog();
    GroupCommit commit = new GroupCommit(log, 1, 3, 1 << 20);
    commit.submit(put("x"));
    for (int i = 0; i < 7; i++) {
      commit.submit(put("k" + i));
    }
    log.apply(0, 1);
    assertEquals(3, ((Request.Group) RequestCodec.decode(log.entries.get(1))).members().size());
    HeldLog small = new HeldLog();
    GroupCommit bytes = new GroupCommit(small, 1, 256, 2 * put("k0").length + 2 * 4);
    bytes.submit(put("x"));
    for (int i = 0; i < 5; i++) {
      bytes.submit(put("k" + i));
    }
    small.apply(0, 1);
    assertEquals(2, ((Request.Group) RequestCodec.decode(small.entries.get(1))).members().size());
  }

  @Test
  void callersKeepTheirOwnCallerEnvelopes() {
    HeldLog log = new HeldLog();
    GroupCommit commit = new GroupCommit(log, 1, 256, 1 << 20);
    commit.submit(put("x"));
    commit.submit(RequestCodec.asCaller(new Caller("alice", false), put("a")));
    commit.submit(RequestCodec.asCaller(new Caller("bob", false), put("b")));
    log.apply(0, 1);
    Request.Group g = (Request.Group) RequestCodec.decode(log.entries.get(1));
    assertEquals("alice", ((Request.AsCaller) g.members().get(0)).caller().identity());
    assertEquals("bob", ((Request.AsCaller) g.members().get(1)).caller().identity());
  }

  @Test
  void aFailedEntryTellsEveryMemberAndTheNextEntryStillGoes() {
    HeldLog log = new HeldLog();
    GroupCommit commit = new GroupCommit(log, 1, 256, 1 << 20);
    CompletableFuture<GroupWrite.Reply> first = commit.submit(put("x"));
    CompletableFuture<GroupWrite.Reply> a = commit.submit(put("a"));
    CompletableFuture<GroupWrite.Reply> b = commit.submit(put("b"));
    log.pending.get(0).completeExceptionally(new GroupCommit.ReplyException(new GroupWrite.NotLeader("n2", "moved")));
    assertEquals(new GroupWrite.NotLeader("n2", "moved"), first.join());
    log.pending.get(1).completeExceptionally(new IllegalStateException("member stopped"));
    assertInstanceOf(GroupWrite.Unknown.class, a.join(), "appended or not: unknown, the session decides on retry");
    assertInstanceOf(GroupWrite.Unknown.class, b.join());
    CompletableFuture<GroupWrite.Reply> c = commit.submit(put("c"));
    log.apply(2, 5);
    assertInstanceOf(GroupWrite.Applied.class, c.join());
  }

  @Test
  void aFollowerARefusalAndGarbageAreAnsweredWithoutTheLog() {
    HeldLog log = new HeldLog();
    GroupCommit commit = new GroupCommit(log, 1, 256, 1 << 20);
    log.notLeading = new GroupWrite.NotLeader("n3", "not the leader");
    assertEquals(log.notLeading, commit.submit(put("a")).join());
    log.notLeading = null;
    log.refusal = new GroupWrite.Refused(ErrorCode.VALUE_TOO_LARGE, "too big");
    assertEquals(log.refusal, commit.submit(put("a")).join());
    log.refusal = null;
    GroupWrite.Reply garbage = commit.submit(new byte[] {1, 1, 0}).join();
    assertEquals(ErrorCode.MALFORMED_REQUEST, ((GroupWrite.Refused) garbage).code());
    byte[] read = RequestCodec.encode(new Request.Read(List.of(new Command.Get(Bytes.utf8("k")))));
    assertEquals(ErrorCode.MALFORMED_REQUEST, ((GroupWrite.Refused) commit.submit(read).join()).code());
    assertTrue(log.entries.isEmpty());
  }

  @Test
  void closingAnswersQueuedCallsAsNotAppended() {
    HeldLog log = new HeldLog();
    GroupCommit commit = new GroupCommit(log, 1, 256, 1 << 20);
    commit.submit(put("x"));
    CompletableFuture<GroupWrite.Reply> queued = commit.submit(put("a"));
    commit.close();
    assertInstanceOf(GroupWrite.NotLeader.class, queued.join());
    assertInstanceOf(GroupWrite.NotLeader.class, commit.submit(put("b")).join());
    assertFalse(log.entries.size() > 1);
  }
}
