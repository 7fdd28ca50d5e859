package quorumkv.raftlog.store;

import java.nio.charset.StandardCharsets;

/**
 * Every column family and reserved key of the RocksDB store, in one place.
 *
 * <pre>
 * default      unused (RocksDB requires it)
 * kv           user key            -> createRevision:i64 modRevision:i64 version:i64 value
 * meta         "applied"           -> term:i64 index:i64      (written in the batch of every applied entry)
 *              "revision-offset"   -> i64                     (added to log indexes to form revisions)
 *              "cluster-id"        -> utf8                    (the cluster this data belongs to)
 *              "no-space/" node    -> empty                   (that node's free-space alarm is raised)
 *              "auth"              -> AuthState               (users, roles, grants; absent: AuthState.INITIAL)
 *              "history-start"     -> i64                     (oldest revision whose events are all in history)
 *              "backups"           -> BackupLedger            (scheduled backups written, verified, failed)
 * sessions     session:16 call:i64 -> index:i64 results       (results of calls not yet acknowledged)
 * session-meta session:16          -> lastActiveIndex:i64 firstUnackedCallId:i64
 * history      revision:i64 pos:i32 -> Event                  (every change, in order; see HistoryTable)
 * leases       "N" | "L" id | "K" id key | "A" key             (leases and their keys; see LeaseTable)
 * </pre>
 */
final class ColumnFamilies {
  static final byte[] KV = bytes("kv");
  static final byte[] META = bytes("meta");
  static final byte[] SESSIONS = bytes("sessions");
  static final byte[] SESSION_META = bytes("session-meta");
  static final byte[] HISTORY = bytes("history");
  static final byte[] LEASES = bytes("leases");

  static final byte[] APPLIED_KEY = bytes("applied");
  static final byte[] REVISION_OFFSET_KEY = bytes("revision-offset");
  static final byte[] CLUSTER_ID_KEY = bytes("cluster-id");
  static final String NO_SPACE_PREFIX = "no-space/";
  static final byte[] AUTH_KEY = bytes("auth");
  static final byte[] HISTORY_START_KEY = bytes("history-start");
  static final byte[] BACKUPS_KEY = bytes("backups");

  private ColumnFamilies() {}

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
