package quorumkv.archfixtures.server.cycle.sub;

import quorumkv.archfixtures.server.cycle.EntryPointHelper;

/** The other half of the cycle. */
public class NodeNeedingRoot {
  EntryPointHelper helper;
}
