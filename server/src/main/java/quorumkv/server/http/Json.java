package quorumkv.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The one JSON mapper: snake_case names, unknown fields rejected (a typo must not silently drop a field),
 * nesting and string sizes bounded so a hostile body cannot exhaust the stack or memory.
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(32)
          .maxStringLength(8 * 1024 * 1024).build())
      .build())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + node.getNodeType(), e);
    }
  }

  /** Parses a request body into {@code type}; any problem is a 400 naming it. */
  public static <T> T parse(byte[] body, Class<T> type) throws ApiException {
    if (body.length == 0) {
      throw ApiException.badRequest("invalid_json", "the request needs a JSON body");
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest("invalid_json", "the body is JSON null");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest("invalid_json", "unknown field '" + Quote.of(e.getPropertyName()) + "'; allowed: "
          + e.getKnownPropertyIds());
    } catch (MismatchedInputException e) {
      // Jackson's own text names our Java classes; say which field in the caller's terms instead.
      String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null);
      throw ApiException.badRequest("invalid_json", field == null
          ? "the body must be a JSON object with the documented fields"
          : "field '" + Quote.of(field) + "' is missing or has the wrong type");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw ApiException.badRequest("invalid_json", "malformed JSON body"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
    } catch (IOException e) {
      throw ApiException.badRequest("invalid_json", "unreadable JSON body: " + e.getMessage());
    }
  }
}
