// The only place that touches Jackson: converts JSON text to and from TwinCollection.
package io.rxiothub.twin.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rxiothub.twin.TwinCollection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON codec of twin documents. Strict on input (one object, no duplicate keys, no trailing data, integers
 * within {@code long}); compact on output. Not part of the public API.
 */
public final class TwinJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private TwinJson() {}

  /** Parses one JSON object from text. */
  public static TwinCollection parseObject(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed twin JSON: " + firstLine(e), e);
    }
    return toCollection(node);
  }

  /** Parses one JSON object from UTF-8 bytes. */
  public static TwinCollection parseObject(byte[] json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed twin JSON: " + firstLine(e), e);
    }
    return toCollection(node);
  }

  /**
   * Writes {@code properties} as a compact JSON object, followed by {@code "$metadata"} and
   * {@code "$version"} when given.
   */
  public static String write(
      TwinCollection properties, @Nullable Long version, @Nullable TwinCollection metadata) {
    StringWriter out = new StringWriter();
    writeTo(out, properties, version, metadata);
    return out.toString();
  }

  /** Returns the size in UTF-8 bytes of the compact JSON text of {@code properties}. */
  public static int utf8Length(TwinCollection properties) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      writeObject(gen, properties, null, null);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON writing failed", e);
    }
    return out.size();
  }

  /** Writes a twin document: {@code {"desired":{…,"$version":d},"reported":{…,"$version":r}}}. */
  public static String writeTwin(
      TwinCollection desired, long desiredVersion, @Nullable TwinCollection desiredMetadata,
      TwinCollection reported, long reportedVersion, @Nullable TwinCollection reportedMetadata) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      gen.writeStartObject();
      gen.writeFieldName("desired");
      writeObject(gen, desired, desiredVersion, desiredMetadata);
      gen.writeFieldName("reported");
      writeObject(gen, reported, reportedVersion, reportedMetadata);
      gen.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON writing failed", e);
    }
    return out.toString();
  }

  private static void writeTo(
      Writer out, TwinCollection properties, @Nullable Long version, @Nullable TwinCollection metadata) {
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      writeObject(gen, properties, version, metadata);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON writing failed", e);
    }
  }

  private static void writeObject(
      JsonGenerator gen, TwinCollection object, @Nullable Long version, @Nullable TwinCollection metadata)
      throws IOException {
    gen.writeStartObject();
    for (Map.Entry<String, @Nullable Object> member : object.asMap().entrySet()) {
      gen.writeFieldName(member.getKey());
      writeValue(gen, member.getValue());
    }
    if (metadata != null) {
      gen.writeFieldName("$metadata");
      writeObject(gen, metadata, null, null);
    }
    if (version != null) {
      gen.writeFieldName("$version");
      gen.writeNumber(version);
    }
    gen.writeEndObject();
  }

  private static void writeValue(JsonGenerator gen, @Nullable Object value) throws IOException {
    if (value == null) {
      gen.writeNull();
    } else if (value instanceof String) {
      gen.writeString((String) value);
    } else if (value instanceof Boolean) {
      gen.writeBoolean((Boolean) value);
    } else if (value instanceof Long) {
      gen.writeNumber((Long) value);
    } else if (value instanceof Double) {
      gen.writeNumber((Double) value);
    } else if (value instanceof TwinCollection) {
      writeObject(gen, (TwinCollection) value, null, null);
    } else {
      gen.writeStartArray();
      for (Object item : (List<?>) value) {
        writeValue(gen, item);
      }
      gen.writeEndArray();
    }
  }

  private static TwinCollection toCollection(@Nullable JsonNode node) {
    if (node == null || node.isMissingNode()) {
      throw new IllegalArgumentException("malformed twin JSON: no content, expected an object");
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "malformed twin JSON: expected an object, got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return objectOf(node, "");
  }

  private static TwinCollection objectOf(JsonNode node, String path) {
    TwinCollection.Builder builder = TwinCollection.builder();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      builder.put(field.getKey(), valueOf(field.getValue(), path + "/" + field.getKey()));
    }
    return builder.build();
  }

  private static @Nullable Object valueOf(JsonNode node, String path) {
    switch (node.getNodeType()) {
      case NULL:
        return null;
      case BOOLEAN:
        return node.booleanValue();
      case STRING:
        return node.textValue();
      case NUMBER:
        if (node.isIntegralNumber()) {
          BigInteger big = node.bigIntegerValue();
          if (big.bitLength() > 63) {
            throw new IllegalArgumentException(
                "malformed twin JSON: integer at " + path + " is outside the 64-bit range");
          }
          return big.longValue();
        }
        double d = node.doubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException(
              "malformed twin JSON: number at " + path + " is too large for a double");
        }
        return d;
      case OBJECT:
        return objectOf(node, path);
      case ARRAY:
        List<@Nullable Object> items = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
          items.add(valueOf(node.get(i), path + "/" + i));
        }
        return Collections.unmodifiableList(items);
      default:
        throw new IllegalArgumentException(
            "malformed twin JSON: unsupported value at " + path + ": " + node.getNodeType());
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
