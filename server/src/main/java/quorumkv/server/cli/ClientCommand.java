package quorumkv.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command against a running cluster: runs, prints, and turns failures into an exit code and one stderr line. */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin
  ClientOptions options;

  @Spec
  CommandSpec spec;

  /** Does the work; returns the exit code. */
  abstract int run(HttpApi api) throws CliException;

  @Override
  public final Integer call() {
    try {
      return run(options.api());
    } catch (CliException e) {
      err().println("quorumkv: " + e.getMessage());
      err().flush();
      return e.exitCode();
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints the reply as JSON if asked; returns true if it did. */
  boolean printedJson(HttpApi.Reply reply) {
    if (options.json) {
      out().println(reply.json() != null ? reply.json().toString() : reply.rawBody());
      out().flush();
      return true;
    }
    return false;
  }

  /** Fails with the reply's exit code unless its status is one of {@code accepted}. */
  static HttpApi.Reply expect(HttpApi.Reply reply, int... accepted) throws CliException {
    for (int a : accepted) {
      if (reply.status() == a) {
        return reply;
      }
    }
    throw HttpApi.failure(reply);
  }

  static String text(JsonNode node, String field) {
    if (node == null) {
      return "";
    }
    if (node.hasNonNull(field)) {
      return node.get(field).asText();
    }
    if (node.hasNonNull(field + "_base64")) {
      return "base64:" + node.get(field + "_base64").asText();
    }
    return "";
  }
}
