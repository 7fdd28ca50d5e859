package quorumkv.linearizability.history;

/** Renders strings for people: quoted, escaped, and shortened when very long. */
final class Quoting {
    /** Longer strings are cut in the middle; the end is kept because appends grow there. */
    private static final int MAX_SHOWN = 160;
    private static final int HEAD_SHOWN = 40;

    private Quoting() {
    }

    static String quote(String text) {
        String shown = text.length() <= MAX_SHOWN ? text
                : text.substring(0, HEAD_SHOWN) + "…(" + text.length() + " chars)…"
                        + text.substring(text.length() - (MAX_SHOWN - HEAD_SHOWN));
        StringBuilder out = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
