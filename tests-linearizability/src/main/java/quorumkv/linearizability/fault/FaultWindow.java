package quorumkv.linearizability.fault;

/**
 * One fault as it happened, with the evidence that it bit: a fault that changed nothing observable
 * proves nothing, so a run whose faults did not bite does not count.
 *
 * @param startNanos when it was injected (System.nanoTime)
 * @param endNanos when it was healed
 * @param termBefore highest Raft term before injection
 * @param termAfter highest Raft term after healing (a change: an election happened)
 * @param evidence requests held, bytes blocked or nodes downed by the fault
 * @param okInside operations that completed ok inside the window
 * @param errorsInside operations that failed or ended unknown inside the window
 * @param longestOkGapMillis the longest stretch inside the window with no ok completion (an outage)
 */
public record FaultWindow(String kind, String description, long startNanos, long endNanos, long termBefore,
    long termAfter, long evidence, int okInside, int errorsInside, long longestOkGapMillis) {

  /** Observed effects: an election, blocked traffic or a downed node, client errors, or an outage. */
  public boolean bit() {
    return termAfter != termBefore || evidence > 0 || errorsInside > 0 || longestOkGapMillis >= 500;
  }

  public String effects() {
    return "term " + termBefore + "->" + termAfter + ", evidence " + evidence + ", ok " + okInside + ", errors "
        + errorsInside + ", longest ok gap " + longestOkGapMillis + " ms" + (bit() ? "" : "  (DID NOT BITE)");
  }
}
