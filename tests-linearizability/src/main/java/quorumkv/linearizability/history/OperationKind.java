package quorumkv.linearizability.history;

/**
 * The {@code f} field of an event: what the operation does. Which kinds a history may use
 * depends on the model it is checked against ({@code cas-register}: read, write, cas;
 * {@code kv-append}: read, write, append; {@code kv}: read, write, cas, delete).
 */
public enum OperationKind {
    /** Returns the key's value; {@code null} in results means the key is absent. */
    READ("read"),
    /** Sets the key to a string. */
    WRITE("write"),
    /** Compare-and-set {@code [expected, new]}; {@code expected == null} means "key absent". */
    CAS("cas"),
    /** Appends a string to the key's value. */
    APPEND("append"),
    /** Removes the key (our own {@code kv} model only). */
    DELETE("delete");

    private final String wireName;

    OperationKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the JSONL format. */
    public String wireName() {
        return wireName;
    }

    /** The kind with the given JSONL name, or {@code null} if there is none. */
    public static OperationKind fromWireName(String name) {
        for (OperationKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        return null;
    }
}
