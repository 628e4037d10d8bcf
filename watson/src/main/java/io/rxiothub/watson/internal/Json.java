// The only place that touches Jackson: JSON objects as maps of plain Java values, read strictly, written compactly.
package io.rxiothub.watson.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON on jackson-core's streaming API (databind needs Android 26). Values are {@code String}, {@code Long},
 * {@code Double}, {@code Boolean}, {@link #NULL}, {@code Map<String, Object>} (insertion order) and
 * {@code List<Object>}. Input: one object, no duplicate keys, no trailing data, at most {@value #MAX_DEPTH} levels.
 */
public final class Json {

  /** JSON {@code null} inside maps and lists (maps never hold Java null). */
  public static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** Deepest nesting accepted. */
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Json() {}

  /**
   * Parses one JSON object from UTF-8 bytes.
   *
   * @throws IllegalArgumentException naming {@code what} if the bytes are not one JSON object
   */
  public static Map<String, Object> parseObject(byte[] json, String what) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return readRoot(parser, what);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + firstLine(e), e);
    }
  }

  /** Parses one JSON object from text; see {@link #parseObject(byte[], String)}. */
  public static Map<String, Object> parseObject(String json, String what) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return readRoot(parser, what);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + firstLine(e), e);
    }
  }

  private static Map<String, Object> readRoot(JsonParser parser, String what) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    Map<String, Object> root = readObject(parser, 1);
    if (parser.nextToken() != null) {
      throw new IllegalArgumentException(what + " has data after its JSON object");
    }
    return root;
  }

  private static Map<String, Object> readObject(JsonParser parser, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH + " levels");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      map.put(name, readValue(parser, depth));
    }
    if (token != JsonToken.END_OBJECT) {
      throw new IllegalArgumentException("JSON object is not closed");
    }
    return map;
  }

  private static Object readValue(JsonParser parser, int depth) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new IllegalArgumentException("JSON ends inside a value");
    }
    switch (token) {
      case START_OBJECT:
        return readObject(parser, depth + 1);
      case START_ARRAY:
        if (depth + 1 > MAX_DEPTH) {
          throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH + " levels");
        }
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          if (parser.currentToken() == null) {
            throw new IllegalArgumentException("JSON array is not closed");
          }
          list.add(readValue(parser, depth + 1));
        }
        return list;
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        if (parser.getNumberType() != JsonParser.NumberType.INT
            && parser.getNumberType() != JsonParser.NumberType.LONG) {
          throw new IllegalArgumentException("JSON integer out of the 64-bit range");
        }
        return parser.getLongValue();
      case VALUE_NUMBER_FLOAT:
        double d = parser.getDoubleValue();
        if (Double.isInfinite(d) || Double.isNaN(d)) {
          throw new IllegalArgumentException("JSON number out of range");
        }
        return d;
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return NULL;
      default:
        throw new IllegalArgumentException("unexpected JSON token " + token);
    }
  }

  /** Writes {@code value} (one of the value types above) as compact JSON. */
  public static String write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      writeValue(gen, value);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON writing failed", e);
    }
    return out.toString();
  }

  private static void writeValue(JsonGenerator gen, Object value) throws IOException {
    if (value == NULL) {
      gen.writeNull();
    } else if (value instanceof String) {
      gen.writeString((String) value);
    } else if (value instanceof Long || value instanceof Integer) {
      gen.writeNumber(((Number) value).longValue());
    } else if (value instanceof Number) {
      gen.writeNumber(((Number) value).doubleValue());
    } else if (value instanceof Boolean) {
      gen.writeBoolean((Boolean) value);
    } else if (value instanceof Map) {
      gen.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        gen.writeFieldName(String.valueOf(e.getKey()));
        writeValue(gen, e.getValue());
      }
      gen.writeEndObject();
    } else if (value instanceof List) {
      gen.writeStartArray();
      for (Object item : (List<?>) value) {
        writeValue(gen, item);
      }
      gen.writeEndArray();
    } else {
      throw new IllegalArgumentException("not a JSON value type: " + value.getClass().getName());
    }
  }

  private static String firstLine(IOException e) {
    String message = e instanceof com.fasterxml.jackson.core.JacksonException
        ? ((com.fasterxml.jackson.core.JacksonException) e).getOriginalMessage() : e.getMessage();
    message = String.valueOf(message);
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
