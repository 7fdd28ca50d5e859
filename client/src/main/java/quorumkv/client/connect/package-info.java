/**
 * The entry point: {@link quorumkv.client.connect.KvClients#connect} creates a client. It is the only
 * package that imports both the API ({@code quorumkv.client}) and its implementation
 * ({@code quorumkv.client.internal}); nothing imports it back. May import those two packages and the JDK.
 */
package quorumkv.client.connect;
