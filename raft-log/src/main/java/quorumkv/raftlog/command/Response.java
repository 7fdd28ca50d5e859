package quorumkv.raftlog.command;

import java.util.List;

/** What the state machine answers to a {@link Request}. */
public sealed interface Response {

  /**
   * @param index the log index of the entry that carried a write, or the applied index a read was served
   *     at; clients pass the highest index they have seen to keep their reads monotonic
   * @param results one per command of the request, in order
   */
  record Ok(long index, List<Result> results) implements Response {
    public Ok {
      results = List.copyOf(results);
    }
  }

  /** The whole request failed; {@link ErrorCode#isDefinite()} says whether it could have applied. */
  record Failed(ErrorCode code, String message) implements Response {}
}
