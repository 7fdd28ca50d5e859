package quorumkv.linearizability.fault;

/** One entry of a fault schedule: inject {@code kind} at {@code startMillis} into the run, heal after {@code durationMillis}. */
public record FaultStep(FaultKind kind, long startMillis, long durationMillis) {
  @Override
  public String toString() {
    return kind + "@" + startMillis + "ms+" + durationMillis + "ms";
  }
}
