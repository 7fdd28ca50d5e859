package quorumkv.linearizability.history;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/** Converts one event to and from one JSON line; the only class that knows the field names. */
final class EventJson {
    // Duplicate fields and text after the object would make a line mean two things: reject them.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private EventJson() {
    }

    /**
     * Parses one line. Fields other than the six of FORMAT.md and {@code time} are ignored.
     *
     * @throws IllegalArgumentException saying what is wrong (without a line number)
     */
    static Event parse(String line) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON at column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, found " + describe(node));
        }
        long process = integer(node, "process");
        if (process > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field \"process\" is too large: " + process);
        }
        EventType type = EventType.fromWireName(text(node, "type"));
        if (type == null) {
            throw new IllegalArgumentException("field \"type\" must be invoke, ok, fail or info, was "
                    + node.get("type"));
        }
        OperationKind kind = OperationKind.fromWireName(text(node, "f"));
        if (kind == null) {
            throw new IllegalArgumentException(
                    "field \"f\" must be read, write, cas, append or delete, was " + node.get("f"));
        }
        String key = text(node, "key");
        Value value = value(node);
        long index = integer(node, "index");
        OptionalLong time = node.has("time") ? OptionalLong.of(signedInteger(node, "time")) : OptionalLong.empty();
        return new Event((int) process, type, kind, key, value, index, time);
    }

    /** The event as one JSON line (no line end), fields in the order of FORMAT.md, then {@code time}. */
    static String format(Event event) {
        StringWriter out = new StringWriter(96);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("process", event.process());
            json.writeStringField("type", event.type().wireName());
            json.writeStringField("f", event.kind().wireName());
            json.writeStringField("key", event.key());
            json.writeFieldName("value");
            writeValue(json, event.value());
            json.writeNumberField("index", event.index());
            if (event.timeNanos().isPresent()) {
                json.writeNumberField("time", event.timeNanos().getAsLong());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
        }
        return out.toString();
    }

    private static void writeValue(JsonGenerator json, Value value) throws IOException {
        if (value instanceof Value.Text text) {
            json.writeString(text.text());
        } else if (value instanceof Value.CasArgs cas) {
            json.writeStartArray();
            if (cas.expected() == null) {
                json.writeNull();
            } else {
                json.writeString(cas.expected());
            }
            json.writeString(cas.replacement());
            json.writeEndArray();
        } else {
            json.writeNull();
        }
    }

    private static Value value(JsonNode node) {
        JsonNode value = required(node, "value");
        if (value.isNull()) {
            return Value.NULL;
        }
        if (value.isTextual()) {
            return Value.of(value.textValue());
        }
        if (value.isArray() && value.size() == 2 && (value.get(0).isNull() || value.get(0).isTextual())
                && value.get(1).isTextual()) {
            return Value.cas(value.get(0).textValue(), value.get(1).textValue());
        }
        throw new IllegalArgumentException(
                "field \"value\" must be null, a string or [expected or null, new], was " + value);
    }

    private static long integer(JsonNode node, String field) {
        long number = signedInteger(node, field);
        if (number < 0) {
            throw new IllegalArgumentException("field \"" + field + "\" must be >= 0, was " + number);
        }
        return number;
    }

    private static long signedInteger(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be an integer, was " + value);
        }
        return value.longValue();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be a string, was " + value);
        }
        return value.textValue();
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing field \"" + field + "\"");
        }
        return value;
    }

    private static String describe(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
