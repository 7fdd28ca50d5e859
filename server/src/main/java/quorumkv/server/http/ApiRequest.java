package quorumkv.server.http;

import java.util.List;
import java.util.Map;
import quorumkv.server.tls.CertificateIdentity;

/**
 * One complete HTTP request, copied out of Netty's buffers (bounded by the max body size) so handlers run
 * on worker threads without touching reference-counted memory.
 *
 * @param path the raw (still percent-encoded) path, without the query
 * @param query decoded query parameters; values are UTF-8 text (see {@link Percent})
 * @param caller who sent it, from the client certificate the TLS handshake verified; null on a plaintext
 *     listener (quorumkv.insecure-plaintext), where nobody is identified
 */
public record ApiRequest(String method, String path, Map<String, List<String>> query, String contentType, byte[] body,
    CertificateIdentity caller) {

  /** A request with no identified caller (plaintext). */
  public ApiRequest(String method, String path, Map<String, List<String>> query, String contentType, byte[] body) {
    this(method, path, query, contentType, body, null);
  }

  /** The same request as a GET (a HEAD request is served as GET, then sent without its body). */
  ApiRequest asGet() {
    return new ApiRequest("GET", path, query, contentType, body, caller);
  }

  /** The single value of {@code name}, or null; a parameter given twice is a 400. */
  public String param(String name) throws ApiException {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest("bad_parameter", "parameter '" + Quote.of(name) + "' given " + values.size() + " times");
    }
    return values.get(0);
  }

  /** A non-negative whole-number parameter, or {@code otherwise} if absent. */
  public long longParam(String name, long otherwise) throws ApiException {
    String v = param(name);
    if (v == null) {
      return otherwise;
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("bad_parameter", "parameter '" + Quote.of(name) + "' must be a whole number >= 0, got '" + Quote.of(v) + "'");
    }
  }

  /** Fails with 400 if a parameter outside {@code allowed} is present (typos must not be ignored). */
  public void allowOnly(String... allowed) throws ApiException {
    for (String name : query.keySet()) {
      if (!List.of(allowed).contains(name)) {
        throw ApiException.badRequest("bad_parameter", "unknown parameter '" + Quote.of(name) + "'; allowed: " + List.of(allowed));
      }
    }
  }
}
