package quorumkv.raftlog.statemachine;

import quorumkv.raftlog.command.ErrorCode;
import quorumkv.raftlog.command.Response;
import quorumkv.raftlog.command.Result;

/** Counts the permission denials in a response, for {@link StateMachineListener#permissionDenied}. */
final class Denials {
  private Denials() {}

  /** Commands refused for lack of permission: one per denied command, or one for a wholly denied request. */
  static int in(Response response) {
    if (response instanceof Response.Ok ok) {
      return (int) ok.results().stream()
          .filter(r -> r instanceof Result.Error e && e.code() == ErrorCode.PERMISSION_DENIED).count();
    }
    return response instanceof Response.Failed f && f.code() == ErrorCode.PERMISSION_DENIED ? 1 : 0;
  }
}
