package quorumkv.archfixtures.client.apiimports.client;

import quorumkv.archfixtures.client.apiimports.client.internal.Impl;

/** Breaks "the API does not import internal" (without a cycle: Impl does not look back). */
public class ApiUsingInternal {
  Impl impl;
}
