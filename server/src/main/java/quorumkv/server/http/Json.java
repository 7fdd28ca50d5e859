package quorumkv.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
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
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("invalid_json", "malformed JSON body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("invalid_json", "unreadable JSON body: " + e.getMessage());
    }
  }
}
