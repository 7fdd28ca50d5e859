package quorumkv.server.http;

import java.util.Set;
import quorumkv.client.KvClient;
import quorumkv.client.KvException;
import quorumkv.client.KvPermissionDeniedException;
import quorumkv.raftlog.command.Caller;
import quorumkv.server.tls.CertificateIdentity;

/**
 * Whom an HTTP request's calls are made for. The node's own client acts as a member, with every right, so
 * a verified HTTP caller's data calls go through a view acting for that caller ({@link KvClient#onBehalfOf}):
 * the state machine authorizes them against the caller's grants, on the node that serves a read after its
 * read-index wait and on every replica when a write applies. The admins named in
 * {@code quorumkv.auth.admins} (and every caller of a plaintext listener) use the node's client as it is.
 */
final class CallerClients {
  private final KvClient node;
  private final Set<String> admins;

  CallerClients(KvClient node, Set<String> admins) {
    this.node = node;
    this.admins = Set.copyOf(admins);
  }

  /** The client to make {@code request}'s calls with. */
  KvClient of(ApiRequest request) {
    Caller caller = caller(request);
    return caller == null ? node : node.onBehalfOf(caller);
  }

  /** The node's own client, for calls the node makes itself (membership and leadership, once {@link #requireAdmin} passed). */
  KvClient node() {
    return node;
  }

  /**
   * Throws 403 unless the caller may administer the cluster: a configured admin, or (checked linearizably,
   * so a revoke acknowledged before this request counts on every node) a user holding admin access while
   * authorization is on, or anyone while it is off.
   */
  void requireAdmin(ApiRequest request) throws ApiException {
    Caller caller = caller(request);
    if (caller == null) {
      return;
    }
    try {
      node.onBehalfOf(caller).auth().state();
    } catch (KvPermissionDeniedException e) {
      throw new ApiException(403, "permission_denied", request.method() + " " + Quote.of(request.path())
          + " is for admins; the client certificate '" + caller.identity() + "' is not one (quorumkv.auth.admins,"
          + " or a role with admin access)");
    } catch (KvException e) {
      throw KvErrors.toApi(e, false);
    }
  }

  /** Null when the node's own client may act: a plaintext listener, or a configured admin. */
  Caller caller(ApiRequest request) {
    CertificateIdentity id = request.caller();
    if (id == null || admins.contains(id.name())) {
      return null;
    }
    return new Caller(id.name().isEmpty() ? "(no name)" : id.name(), false);
  }
}
