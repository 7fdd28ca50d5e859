package quorumkv.archfixtures.server.rootonly.cli;

/** Subpackages may hold anything. */
public class Command {}
