package quorumkv.server.ratis;

import quorumkv.raftlog.statemachine.StateMachineListener;

/** Passes every event on; starts a rejoin when the cluster shut this member down, and a check when the log failed. */
final class RejoiningListener implements StateMachineListener {
  private final StateMachineListener delegate;
  private final Runnable onShutDownByCluster;
  private final Runnable onLogFailed;

  RejoiningListener(StateMachineListener delegate, Runnable onShutDownByCluster, Runnable onLogFailed) {
    this.delegate = delegate;
    this.onShutDownByCluster = onShutDownByCluster;
    this.onLogFailed = onLogFailed;
  }

  @Override
  public void leaderChanged(String leaderId) {
    delegate.leaderChanged(leaderId);
  }

  @Override
  public void applied(long index, long applyNanos, long commitNanos) {
    delegate.applied(index, applyNanos, commitNanos);
  }

  @Override
  public void entryApplied(long term, long index) {
    delegate.entryApplied(term, index);
  }

  @Override
  public void snapshotTaken(long index, long durationNanos) {
    delegate.snapshotTaken(index, durationNanos);
  }

  @Override
  public void snapshotInstalled(long index) {
    delegate.snapshotInstalled(index);
  }

  @Override
  public void permissionDenied(int commands) {
    delegate.permissionDenied(commands);
  }

  @Override
  public void shutDownByCluster() {
    delegate.shutDownByCluster();
    onShutDownByCluster.run();
  }

  @Override
  public void logFailed(String cause) {
    delegate.logFailed(cause);
    onLogFailed.run();
  }
}
