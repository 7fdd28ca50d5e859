package quorumkv.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import quorumkv.raftlog.command.Bytes;
import quorumkv.raftlog.command.Command;
import quorumkv.raftlog.command.Request;
import quorumkv.raftlog.command.RequestCodec;

class WritePathSessionTest {
  private static final List<Command> PUT = List.of(new Command.Put(Bytes.utf8("k"), Bytes.utf8("v")));

  @Test
  void numbersCallsFromOneAndTracksTheLowestUnacked() {
    WritePath.Session s = new WritePath.Session(new UUID(1, 2));
    Request.Write w1 = s.newWrite(PUT);
    Request.Write w2 = s.newWrite(PUT);
    Request.Write w3 = s.newWrite(PUT);
    assertEquals(new UUID(1, 2), w1.sessionId());
    assertEquals(List.of(1L, 2L, 3L), List.of(w1.callId(), w2.callId(), w3.callId()));
    assertEquals(List.of(1L, 1L, 1L), List.of(w1.firstUnackedCallId(), w2.firstUnackedCallId(),
        w3.firstUnackedCallId()));

    s.finish(2); // an out-of-order reply does not move the mark
    assertEquals(1, s.newWrite(PUT).firstUnackedCallId());
    s.finish(1);
    Request.Write w5 = s.newWrite(PUT);
    assertEquals(5, w5.callId());
    assertEquals(3, w5.firstUnackedCallId());
    s.finish(3);
    s.finish(4);
    s.finish(5);
    assertEquals(6, s.firstUnacked());
    assertEquals(6, s.newWrite(PUT).firstUnackedCallId(), "a lone call acknowledges up to itself");
  }

  @Test
  void theRequestBytesCarryTheSessionHeader() {
    WritePath.Session s = new WritePath.Session(new UUID(7, 9));
    s.newWrite(PUT);
    Request.Write w = s.newWrite(PUT);
    Request decoded = RequestCodec.decode(RequestCodec.encode(w));
    assertEquals(w, decoded);
  }

  /**
   * Many threads allocate and finish calls; no request may carry a mark above a call that was still
   * outstanding when the request was made (that would let the cluster forget a result a retry needs).
   */
  @Test
  void concurrentCallsNeverAcknowledgeAnOutstandingCall() throws Exception {
    WritePath.Session s = WritePath.Session.random();
    ConcurrentLinkedQueue<long[]> made = new ConcurrentLinkedQueue<>(); // {callId, firstUnacked}
    ConcurrentLinkedQueue<long[]> finished = new ConcurrentLinkedQueue<>(); // {callId, finishOrder}
    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 2000; i++) {
          Request.Write w = s.newWrite(PUT);
          made.add(new long[] {w.callId(), w.firstUnackedCallId(), clock.incrementAndGet()});
          if (ThreadLocalRandom.current().nextInt(4) == 0) {
            Thread.yield();
          }
          finished.add(new long[] {w.callId(), clock.incrementAndGet()});
          s.finish(w.callId());
        }
      });
      ts.add(th);
      th.start();
    }
    start.countDown();
    for (Thread th : ts) {
      th.join();
    }
    assertEquals(threads * 2000, made.size());
    java.util.Map<Long, Long> finishedAt = new java.util.HashMap<>();
    for (long[] f : finished) {
      finishedAt.put(f[0], f[1]);
    }
    for (long[] m : made) {
      long callId = m[0], mark = m[1], madeAt = m[2];
      assertTrue(mark <= callId);
      // A call below the mark must have finished before this request was numbered. Its finish stamp is
      // taken before finish() and the request's stamp after newWrite(), so a correct session always
      // shows finish stamp < request stamp; an id registered late would show up here.
      for (long below = Math.max(1, mark - 8); below < mark; below++) {
        long f = finishedAt.get(below);
        assertTrue(f < madeAt, "call " + below + " was acknowledged by call " + callId + " while outstanding");
      }
    }
    assertEquals(0, s.outstandingCount());
  }
}
