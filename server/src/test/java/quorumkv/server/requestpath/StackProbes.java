package quorumkv.server.requestpath;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Weaves a call to {@link StackProbe#hit} into the places where a put leaves QuorumKV code: the
 * Ratis client's gRPC send ({@code GrpcClientRpc.sendRequestAsyncUnordered}, the call the client's
 * transport makes once per attempt), the write service's unary gRPC call ({@code ClientCalls.asyncUnaryCall},
 * instead of the former when the client sends writes for server-side group commit) and RocksDB's write batch ({@code AbstractWriteBatch.put}, where the
 * state machine stages a key) and {@code RocksDB.write} (where it commits the batch). Byte Buddy's agent
 * attaches to this JVM; the advice only adds a static call, so already loaded classes can be
 * retransformed.
 */
final class StackProbes {
  static final String SEND = "GrpcClientRpc.sendRequestAsyncUnordered";
  /** The write service's send (server-side group commit): one unary gRPC call per attempt. */
  static final String WRITE_SERVICE_SEND = "ClientCalls.asyncUnaryCall";
  static final String BATCH_PUT = "AbstractWriteBatch.put";
  static final String DB_WRITE = "RocksDB.write";

  private static boolean installed;

  private StackProbes() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    Instrumentation instrumentation = ByteBuddyAgent.install();
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .ignore(ElementMatchers.nameStartsWith("net.bytebuddy."))
        .type(named("org.apache.ratis.grpc.client.GrpcClientRpc"))
        .transform((builder, type, loader, module, domain) -> builder.visit(
            Advice.to(Hit.class).on(named("sendRequestAsyncUnordered"))))
        .type(named("org.apache.ratis.thirdparty.io.grpc.stub.ClientCalls"))
        .transform((builder, type, loader, module, domain) -> builder.visit(
            Advice.to(Hit.class).on(named("asyncUnaryCall"))))
        .type(named("org.rocksdb.AbstractWriteBatch"))
        .transform((builder, type, loader, module, domain) -> builder.visit(
            Advice.to(Hit.class).on(named("put").and(takesArguments(3)))))
        .type(named("org.rocksdb.RocksDB"))
        .transform((builder, type, loader, module, domain) -> builder.visit(
            Advice.to(Hit.class).on(named("write").and(takesArguments(2)))))
        .installOn(instrumentation);
    installed = true;
  }

  /** Inlined into the probed methods. */
  static final class Hit {
    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m") String where) {
      StackProbe.hit(where);
    }
  }
}
