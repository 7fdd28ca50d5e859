package quorumkv.archfixtures.client.cycle.client.internal;

import quorumkv.archfixtures.client.cycle.client.CycleApi;

/** The other half of the cycle. */
public class CycleImpl implements CycleApi {}
