package quorumkv.bench;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * etcd's members through jetcd's maintenance status (what {@code etcdctl endpoint status} shows): leader
 * member id, raft term, raft index and applied index per member. Member ids are mapped to indexes from each
 * member's own answer (the response header names the member that answered).
 */
final class EtcdProbe implements ClusterProbe {
  private final Client client;
  private final List<String> urls;
  private final Map<Long, Integer> indexOfMember = new HashMap<>();

  EtcdProbe(List<String> clientUrls) throws javax.net.ssl.SSLException {
    this.urls = List.copyOf(clientUrls);
    this.client = EtcdTarget.client(clientUrls, null);
  }

  @Override
  public String name(int i) {
    return "e" + (i + 1);
  }

  @Override
  public List<View> views() {
    List<CompletableFuture<StatusResponse>> calls = new ArrayList<>();
    for (String url : urls) {
      calls.add(client.getMaintenanceClient().statusMember(url).orTimeout(1, TimeUnit.SECONDS));
    }
    List<StatusResponse> answers = new ArrayList<>();
    long highestIndex = -1;
    for (int i = 0; i < urls.size(); i++) {
      StatusResponse r;
      try {
        r = calls.get(i).get();
        indexOfMember.put(r.getHeader().getMemberId(), i);
        highestIndex = Math.max(highestIndex, r.getRaftIndex());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r = null;
      } catch (Exception e) {
        r = null;   // not answering within a second: stopped, killed or cut off
      }
      answers.add(r);
    }
    List<View> views = new ArrayList<>();
    for (StatusResponse r : answers) {
      views.add(r == null ? View.SILENT : new View(true, indexOfMember.getOrDefault(r.getLeader(), -1),
          r.getRaftTerm(), highestIndex - r.getRaftAppliedIndex() <= MAX_LAG));
    }
    return views;
  }

  @Override
  public void close() {
    client.close();
  }
}
