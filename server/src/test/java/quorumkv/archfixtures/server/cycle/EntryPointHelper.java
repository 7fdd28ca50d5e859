package quorumkv.archfixtures.server.cycle;

import quorumkv.archfixtures.server.cycle.sub.NodeNeedingRoot;

/** Breaks "no package cycles" the way the server's root package once did: root uses sub, sub uses root. */
public class EntryPointHelper {
  NodeNeedingRoot node;
}
