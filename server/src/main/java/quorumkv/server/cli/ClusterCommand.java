package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "cluster", description = "Cluster commands.", subcommands = ClusterCommand.Status.class)
final class ClusterCommand {
  @Mixin
  HelpOption help;


  @Command(name = "status", description = "Members, roles, leader, term, indexes and follower lag (from the leader's view"
      + " when one of the endpoints is the leader; only the leader knows followers' lag). Exit 5 if no node answers.")
  static final class Status extends ClientCommand {
    @Override
    int run(HttpApi api) throws CliException {
      HttpApi.Reply best = leaderView(api);
      if (!printedJson(best)) {
        JsonNode s = best.json();
        out().printf("leader %s  term %d  (as seen by %s, %s: commit %d, applied %d)%n",
            s.get("leader").isNull() ? "(none)" : s.get("leader").asText(), s.get("term").asLong(), s.get("node").asText(),
            s.get("role").asText(), s.get("commit_index").asLong(), s.get("applied_index").asLong());
        out().printf("%-8s %-9s %-22s %-7s %12s %10s %16s%n", "ID", "ROLE", "ADDRESS", "LEADER", "MATCH-INDEX", "LAG",
            "LAST-CONTACT-MS");
        for (JsonNode m : s.get("members")) {
          out().printf("%-8s %-9s %-22s %-7s %12s %10s %16s%n", m.get("id").asText(), m.get("role").asText(),
              m.get("address").asText(), m.get("leader").asBoolean() ? "yes" : "", known(m, "match_index"),
              known(m, "lag_entries"), known(m, "last_contact_ms"));
        }
        if (!s.get("lags_known").asBoolean()) {
          out().println("(lag unknown: none of the endpoints is the leader)");
        }
        out().flush();
      }
      return ExitCodes.OK;
    }

    private static String known(JsonNode m, String field) {
      long v = m.get(field).asLong();
      return v < 0 ? "-" : Long.toString(v);
    }
  }

  /** Asks every endpoint for /v1/cluster; the leader's answer if one is the leader, else the first answer. */
  static HttpApi.Reply leaderView(HttpApi api) throws CliException {
    HttpApi.Reply first = null;
    for (String endpoint : api.endpoints()) {
      HttpApi.Reply r;
      try {
        r = api.sendTo(endpoint, "GET", "/v1/cluster");
      } catch (CliException e) {
        continue;
      }
      if (r.status() != 200 || r.json() == null) {
        continue;
      }
      if ("leader".equals(r.json().get("role").asText())) {
        return r;
      }
      if (first == null) {
        first = r;
      }
    }
    if (first == null) {
      throw new CliException(ExitCodes.UNAVAILABLE, "no endpoint answered /v1/cluster: " + api.endpoints());
    }
    return first;
  }
}
