package quorumkv.archfixtures.client.apiimports.client.internal;

/** An implementation class the fixture's API wrongly refers to. */
public class Impl {}
