package quorumkv.archfixtures.server.storeimports.metrics;

import quorumkv.raftlog.statemachine.KvStateMachine;
import quorumkv.raftlog.statemachine.StateMachineListener;

/** Breaks "the state machine only through the node" (the listener alone would be allowed). */
public class MetricsHoldingStateMachine {
  KvStateMachine stateMachine;
  StateMachineListener listener;
}
