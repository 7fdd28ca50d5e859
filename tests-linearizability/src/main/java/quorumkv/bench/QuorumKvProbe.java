package quorumkv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * QuorumKV's members through their HTTP APIs (plaintext, as bin/bench starts them for the failover phase):
 * GET /v1/cluster on the HTTP port for role, leader and term, GET /ready on the operations port for
 * "caught up" (the node's own check, and its applied index within {@link ClusterProbe#MAX_LAG} of the
 * cluster's commit index as the node knows it: the leader's, which a follower back from a restart may not yet
 * have reached).
 */
final class QuorumKvProbe implements ClusterProbe {
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(DEADLINE).build();
  private final ObjectMapper json = new ObjectMapper();
  private final List<String> httpBases;
  private final List<String> opsBases;

  /** @param hosts the members' HTTP and operations addresses, "host:httpPort/opsPort" per member in order */
  QuorumKvProbe(List<String> hosts) {
    this.httpBases = new ArrayList<>();
    this.opsBases = new ArrayList<>();
    for (String h : hosts) {
      String[] hostPorts = h.split(":");
      String[] ports = hostPorts[1].split("/");
      httpBases.add("http://" + hostPorts[0] + ":" + ports[0]);
      opsBases.add("http://" + hostPorts[0] + ":" + ports[1]);
    }
  }

  @Override
  public String name(int i) {
    return "n" + (i + 1);
  }

  @Override
  public List<View> views() {
    List<CompletableFuture<HttpResponse<String>>> status = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> ready = new ArrayList<>();
    for (int i = 0; i < httpBases.size(); i++) {
      status.add(get(httpBases.get(i) + "/v1/cluster"));
      ready.add(get(opsBases.get(i) + "/ready"));
    }
    List<View> views = new ArrayList<>();
    for (int i = 0; i < httpBases.size(); i++) {
      views.add(view(status.get(i), ready.get(i)));
    }
    return views;
  }

  private CompletableFuture<HttpResponse<String>> get(String url) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(DEADLINE).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
  }

  private View view(CompletableFuture<HttpResponse<String>> status, CompletableFuture<HttpResponse<String>> ready) {
    try {
      HttpResponse<String> s = status.get();
      if (s.statusCode() != 200) {
        return View.SILENT;
      }
      JsonNode n = json.readTree(s.body());
      String leader = n.path("leader").asText("");
      int leaderIndex = leader.matches("n\\d+") ? Integer.parseInt(leader.substring(1)) - 1 : -1;
      boolean isReady;
      try {
        HttpResponse<String> r = ready.get();
        JsonNode body = json.readTree(r.body());
        // /ready allows a lag of a thousand entries; a round starts only when every member is within a
        // second of the writer of what the cluster committed (the leader's commit index as each heard it).
        long behind = body.path("cluster_commit_index").asLong(Long.MAX_VALUE) - body.path("applied_index").asLong(0);
        isReady = r.statusCode() == 200 && behind <= MAX_LAG;
      } catch (Exception e) {
        isReady = false;
      }
      return new View(true, leaderIndex, n.path("term").asLong(-1), isReady);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return View.SILENT;
    } catch (Exception e) {
      return View.SILENT;   // not answering within the deadline: stopped, killed or cut off
    }
  }

  @Override
  public void close() {
    // HttpClient has no close before Java 21; its threads are daemons
  }
}
