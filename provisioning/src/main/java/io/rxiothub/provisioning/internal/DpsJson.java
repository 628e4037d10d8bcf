// The only place that touches Jackson: DPS bodies to and from plain maps, lists, strings, numbers and booleans.
package io.rxiothub.provisioning.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON codec of DPS bodies on jackson-core's streaming API: strict input (one value, no duplicate keys, no trailing
 * data, nesting at most 64 deep, finite numbers), compact output. Objects become insertion-ordered maps.
 */
public final class DpsJson {

  /** The deepest nesting accepted: DPS bodies are shallow, a custom payload gets some room. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  private DpsJson() {}

  /**
   * Parses one JSON value of UTF-8 bytes.
   *
   * @throws IllegalArgumentException naming {@code what} and the rule broken
   */
  public static @Nullable Object parse(byte[] json, String what) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() == null) {
        throw new IllegalArgumentException(what + " is empty: expected a JSON value");
      }
      Object value = read(parser, what);
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException(what + " has data after its JSON value");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + firstLine(e), e);
    }
  }

  /** Parses one JSON value of text. @throws IllegalArgumentException naming {@code what} and the rule broken */
  public static @Nullable Object parse(String json, String what) {
    return parse(json.getBytes(StandardCharsets.UTF_8), what);
  }

  /** Parses one JSON object. @throws IllegalArgumentException if it is not valid JSON or not an object */
  @SuppressWarnings("unchecked")
  public static Map<String, @Nullable Object> parseObject(byte[] json, String what) {
    Object value = parse(json, what);
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    return (Map<String, @Nullable Object>) value;
  }

  private static @Nullable Object read(JsonParser parser, String what) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT: {
        Map<String, @Nullable Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.put(name, read(parser, what));
        }
        return object;
      }
      case START_ARRAY: {
        List<@Nullable Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(read(parser, what));
        }
        return array;
      }
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        return parser.getNumberValue();
      case VALUE_NUMBER_FLOAT: {
        double d = parser.getDoubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
          throw new IllegalArgumentException(what + " holds a number out of range");
        }
        return d;
      }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IllegalArgumentException(what + " holds an unexpected " + token);
    }
  }

  /** Writes a value made of maps, lists, strings, numbers, booleans and nulls as compact JSON. */
  public static String write(@Nullable Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      write(gen, value);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON writing failed", e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator gen, @Nullable Object value) throws IOException {
    if (value == null) {
      gen.writeNull();
    } else if (value instanceof Map) {
      gen.writeStartObject();
      for (Map.Entry<?, ?> member : ((Map<?, ?>) value).entrySet()) {
        gen.writeFieldName(String.valueOf(member.getKey()));
        write(gen, member.getValue());
      }
      gen.writeEndObject();
    } else if (value instanceof List) {
      gen.writeStartArray();
      for (Object item : (List<?>) value) {
        write(gen, item);
      }
      gen.writeEndArray();
    } else if (value instanceof String) {
      gen.writeString((String) value);
    } else if (value instanceof Boolean) {
      gen.writeBoolean((Boolean) value);
    } else if (value instanceof Double || value instanceof Float) {
      gen.writeNumber(((Number) value).doubleValue());
    } else if (value instanceof java.math.BigInteger) {
      gen.writeNumber((java.math.BigInteger) value);
    } else if (value instanceof java.math.BigDecimal) {
      gen.writeNumber((java.math.BigDecimal) value);
    } else if (value instanceof Number) {
      gen.writeNumber(((Number) value).longValue());
    } else {
      throw new IllegalArgumentException("cannot write a " + value.getClass().getSimpleName() + " as JSON");
    }
  }

  /** The string member {@code name} of {@code object}, or null when absent or null. */
  public static @Nullable String string(Map<String, @Nullable Object> object, String name, String what) {
    Object value = object.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String)) {
      throw new IllegalArgumentException(what + "." + name + " must be a string");
    }
    return (String) value;
  }

  /** The integer member {@code name} of {@code object}, or null when absent or null. */
  public static @Nullable Integer integer(Map<String, @Nullable Object> object, String name, String what) {
    Object value = object.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer)) {
      throw new IllegalArgumentException(what + "." + name + " must be an integer of 32 bits");
    }
    return (Integer) value;
  }

  /** The object member {@code name} of {@code object}, or null when absent or null. */
  @SuppressWarnings("unchecked")
  public static @Nullable Map<String, @Nullable Object> object(
      Map<String, @Nullable Object> object, String name, String what) {
    Object value = object.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(what + "." + name + " must be a JSON object");
    }
    return (Map<String, @Nullable Object>) value;
  }

  private static String firstLine(IOException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
