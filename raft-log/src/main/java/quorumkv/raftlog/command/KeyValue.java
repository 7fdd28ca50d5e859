package quorumkv.raftlog.command;

/**
 * A stored key with its value and revisions, as etcd reports them.
 *
 * @param createRevision the revision (log index) that created the key since it was last absent
 * @param modRevision the revision (log index) of the last write to the key; the CAS guard compares this
 * @param version the number of writes since the key was created (1 after the creating put)
 */
public record KeyValue(Bytes key, Bytes value, long createRevision, long modRevision, long version) {}
