package quorumkv.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Maps a method and path to a {@link Handler}: exact paths, or prefixes ending in {@code /} that own
 * everything below them. An unknown path is a 404 and a known path with another method a 405, both with
 * a JSON error body. HEAD is allowed wherever GET is (load balancers probe with it).
 */
public final class Router {
  /** One resource. {@code name} labels its metrics. */
  public record Route(String name, String path, boolean isPrefix, Set<String> methods, Handler handler) {}

  /** A matched route, or an error response. */
  public record Match(Route route, ApiException error) {}

  private final List<Route> routes = new ArrayList<>();

  public Router exact(String name, String path, Set<String> methods, Handler handler) {
    routes.add(new Route(name, path, false, methods, handler));
    return this;
  }

  /** Everything under {@code prefix} (which ends in {@code /}). */
  public Router prefix(String name, String prefix, Set<String> methods, Handler handler) {
    routes.add(new Route(name, prefix, true, methods, handler));
    return this;
  }

  public Match match(String method, String path) {
    Route best = null;
    for (Route r : routes) {
      boolean hit = r.isPrefix() ? path.startsWith(r.path()) : path.equals(r.path());
      if (hit && (best == null || r.path().length() > best.path().length() || !r.isPrefix() && best.isPrefix())) {
        best = r;
      }
    }
    if (best == null) {
      return new Match(null, new ApiException(404, "not_found", "no resource at " + Quote.of(path)));
    }
    if (!best.methods().contains(method) && !(method.equals("HEAD") && best.methods().contains("GET"))) {
      return new Match(best, new ApiException(405, "method_not_allowed",
          Quote.of(method) + " is not allowed on " + Quote.of(path) + "; allowed: " + best.methods()));
    }
    return new Match(best, null);
  }
}
