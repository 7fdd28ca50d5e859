package quorumkv.linearizability.history;

/** The {@code type} field of an event: an invocation or one of the three kinds of completion. */
public enum EventType {
    /** The client sent the operation. */
    INVOKE("invoke"),
    /** The operation took effect exactly once, between its invoke and this event. */
    OK("ok"),
    /** The operation definitely had no effect. */
    FAIL("fail"),
    /** Indeterminate: the operation may take effect at any later instant, or never. */
    INFO("info");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the JSONL format. */
    public String wireName() {
        return wireName;
    }

    /** The type with the given JSONL name, or {@code null} if there is none. */
    public static EventType fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
