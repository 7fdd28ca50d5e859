package quorumkv.archfixtures.raftlog.cycle.b;

import quorumkv.archfixtures.raftlog.cycle.a.CycleA;

/** The other half of the cycle. */
public class CycleB {
  CycleA other;
}
