package quorumkv.linearizability.workload;

import quorumkv.linearizability.history.OperationKind;

/**
 * One client operation of a register workload. For CAS, {@code expected} null means "the key is absent"
 * (put-if-absent); {@code value} is the value to write (null for reads and deletes).
 */
public record Op(OperationKind kind, String key, String expected, String value) {}
