# QuorumKV node image. Build: docker build -t quorumkv:dev .   (docker-compose.yml builds it for you)
# Stage 1 builds the server jar with Maven; stage 2 is a JRE with the jar, run as a non-root user.
# Without a registry (no maven or temurin image), Dockerfile.prebuilt makes the same image from jars built on
# the host and a local base image (.ci/compose-check does that).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Poms first: packaging the modules without their sources downloads every dependency and plugin the real
# build uses, in a layer that stays cached while sources change. The real build then runs offline (-o), so a
# download this step missed fails the build instead of being fetched silently.
COPY pom.xml ./
COPY raft-log/pom.xml raft-log/
COPY client/pom.xml client/
COPY server/pom.xml server/
COPY tests-linearizability/pom.xml tests-linearizability/
RUN mvn -B -q -pl server -am package -DskipTests && rm -rf raft-log/target client/target server/target
COPY raft-log/src raft-log/src
COPY client/src client/src
COPY server/src server/src
RUN mvn -o -B -q -pl server -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/server/target/quorumkv-server.jar /opt/quorumkv/
COPY --from=build /src/server/target/lib /opt/quorumkv/lib
# --- runtime: from here on Dockerfile and Dockerfile.prebuilt are the same (ComposeFileTest checks) ---
# A fixed uid (10001), as an ordinary account: system accounts end at uid 999, and useradd warns about one above.
RUN useradd --uid 10001 --no-create-home --home-dir /data --shell /usr/sbin/nologin quorumkv \
    && mkdir -p /data /pki && chown quorumkv /data /pki
USER quorumkv
# Defaults every node shares; docker-compose.yml sets the per-node ones (QUORUMKV_NODE_ID, peers).
# Memory: heap, direct buffers, metaspace and code cache are capped (576 MB together) so that the JVM fits
# the 1 GB memory limit docker-compose.yml gives each node, with room for RocksDB (bounded by StoreMemory)
# and thread stacks; bin/quorumkv starts a server with the same caps. Under bin/bench a node's RSS stays
# within 512 MiB (docs/performance.md). Two malloc arenas: glibc would give each thread its own. G1 named:
# in a container of 1 GB the JVM would pick the serial collector, whose full pauses cost a leader its term.
ENV QUORUMKV_STORAGE_DATA_DIR=/data \
    QUORUMKV_HTTP_PORT=8080 \
    QUORUMKV_OPS_PORT=9080 \
    MALLOC_ARENA_MAX=2 \
    JAVA_TOOL_OPTIONS="-XX:+UseG1GC -Xmx224m -XX:MaxDirectMemorySize=128m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError"
VOLUME /data
# 9871: Raft and clients (gRPC); 8080: HTTP data API; 9080: operations (/health, /ready, /metrics), on
# their own port and threads so that the probe answers while the data API is saturated.
EXPOSE 9871 8080 9080
# Ready = member of the group, a leader known, applied index close to the commit index. The probe asks over
# TLS (the operations port needs no client certificate; -k: a loopback probe carries no secret), or plain
# HTTP for a node started with quorumkv.insecure-plaintext set to true. The start period is long because three
# JVMs starting at once on two loaded cores took about a minute to elect a leader; failures within it do not
# count (docker-compose up stops with an error when a node its grants service waits for turns unhealthy),
# and the first success ends it.
HEALTHCHECK --interval=5s --timeout=3s --start-period=180s --retries=3 \
    CMD curl -fsSk https://127.0.0.1:9080/ready >/dev/null || curl -fsS http://127.0.0.1:9080/ready >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/opt/quorumkv/quorumkv-server.jar"]
CMD ["server"]
