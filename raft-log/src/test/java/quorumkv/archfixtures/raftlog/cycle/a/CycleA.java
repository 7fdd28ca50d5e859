package quorumkv.archfixtures.raftlog.cycle.a;

import quorumkv.archfixtures.raftlog.cycle.b.CycleB;

/** Breaks "no package cycles": a uses b, b uses a. */
public class CycleA {
  CycleB other;
}
