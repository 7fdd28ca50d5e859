/**
 * Classes that break tests-linearizability's architecture rules on purpose, one set per rule, so that
 * {@code quorumkv.linearizability.ArchitectureTest} can show each rule fails when broken (no rule passes
 * vacuously). Test code only; nothing else may import them. {@code cycle}: two packages importing each
 * other. {@code leak}: a checker importing Ratis and a history importing the server.
 */
package quorumkv.archfixtures.linearizability;
