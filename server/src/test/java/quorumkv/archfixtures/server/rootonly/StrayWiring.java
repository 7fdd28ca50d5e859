package quorumkv.archfixtures.server.rootonly;

/** Breaks "the root holds only the entry point". */
public class StrayWiring {}
