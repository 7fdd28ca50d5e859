# QuorumKV node image. Build: docker build -t quorumkv:dev .   (docker-compose.yml builds it for you)
# Stage 1 builds the server jar with Maven; stage 2 is a JRE with the jar, run as a non-root user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Poms first, so the dependency download is cached while sources change.
COPY pom.xml ./
COPY raft-log/pom.xml raft-log/
COPY client/pom.xml client/
COPY server/pom.xml server/
COPY tests-linearizability/pom.xml tests-linearizability/
RUN mvn -B -q -pl server -am dependency:go-offline -DexcludeReactor=true || true
COPY raft-log/src raft-log/src
COPY client/src client/src
COPY server/src server/src
RUN mvn -B -q -pl server -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data quorumkv \
    && mkdir -p /data /pki /opt/quorumkv && chown quorumkv /data /pki
COPY --from=build /src/server/target/quorumkv-server.jar /opt/quorumkv/
COPY --from=build /src/server/target/lib /opt/quorumkv/lib
USER quorumkv
# Defaults every node shares; docker-compose.yml sets the per-node ones (QUORUMKV_NODE_ID, peers).
ENV QUORUMKV_STORAGE_DATA_DIR=/data \
    QUORUMKV_HTTP_PORT=8080 \
    QUORUMKV_OPS_PORT=9080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50"
VOLUME /data
# 9871: Raft and clients (gRPC); 8080: HTTP data API; 9080: operations (/health, /ready, /metrics), on
# their own port and threads so that the probe answers while the data API is saturated.
EXPOSE 9871 8080 9080
# Ready = member of the group, a leader known, applied index close to the commit index. The probe asks over
# TLS (the operations port needs no client certificate; -k: a loopback probe carries no secret), or plain
# HTTP for a node started with quorumkv.insecure-plaintext set to true.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsSk https://127.0.0.1:9080/ready >/dev/null || curl -fsS http://127.0.0.1:9080/ready >/dev/null || exit 1
ENTRYPOINT ["java", "-jar", "/opt/quorumkv/quorumkv-server.jar"]
CMD ["server"]
