/**
 * The nemesis's vocabulary: the kinds of fault ({@link quorumkv.linearizability.fault.FaultKind}, each
 * checked for availability, injected through a {@link quorumkv.linearizability.cluster.ClusterControl} and
 * returning its heal), a schedule's entry ({@link quorumkv.linearizability.fault.FaultStep}), and what one
 * injected fault did ({@link quorumkv.linearizability.fault.FaultWindow}: its time span and the evidence
 * that it bit). How a fault is made (proxies, firewalls, nftables, signals) is the cluster control's
 * business, not this package's.
 *
 * <p>May import: the JDK and {@code quorumkv.linearizability.cluster} (the control faults act on); nothing
 * that runs, records or reports a test.
 */
package quorumkv.linearizability.fault;
