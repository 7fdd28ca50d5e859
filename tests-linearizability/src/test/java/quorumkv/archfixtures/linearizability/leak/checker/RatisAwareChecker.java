package quorumkv.archfixtures.linearizability.leak.checker;

import org.apache.ratis.protocol.RaftPeerId;

/** Breaks "checker imports no Ratis": a checker that knows Raft peers. */
public final class RatisAwareChecker {
  private RaftPeerId peer;

  public RaftPeerId peer() {
    return peer;
  }
}
