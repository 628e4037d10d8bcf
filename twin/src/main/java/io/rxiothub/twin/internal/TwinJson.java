// The only place that touches Jackson: converts JSON text to and from TwinCollection.
package io.rxiothub.twin.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.rxiothub.twin.TwinCollection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON codec of twin documents on jackson-core's streaming API. Strict on input (one object, no duplicate
 * keys, no trailing data, integers within {@code long}, finite numbers); compact on output. Not part of the
 * public API.
 */
public final class TwinJson {

  // Streaming jackson-core only: jackson-databind 2.14+ needs Android SDK 26 (ObjectMapper's static
  // initializer references BootstrapMethodError), our published baseline is API 24.
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private TwinJson() {}

  /** Parses one JSON object from text. */
  public static TwinCollection parseObject(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return readRoot(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed twin JSON: " + firstLine(e), e);
    }
  }

  /** Parses one JSON object from UTF-8 bytes. */
  public static TwinCollection parseObject(byte[] json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return readRoot(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed twin JSON: " + firstLine(e), e);
    }
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

  private static TwinCollection readRoot(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new IllegalArgumentException("malformed twin JSON: no content, expected an object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new IllegalArgumentException("malformed twin JSON: expected an object, got " + first.asString());
    }
    TwinCollection root = readObject(parser, "");
    if (parser.nextToken() != null) {
      throw new IllegalArgumentException("malformed twin JSON: content after the object at "
          + parser.currentLocation().getCharOffset());
    }
    return root;
  }

  /** Reads the members of an object whose START_OBJECT is the current token. */
  private static TwinCollection readObject(JsonParser parser, String path) throws IOException {
    TwinCollection.Builder builder = TwinCollection.builder();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
      if (token == null) {
        throw new IllegalArgumentException("malformed twin JSON: unexpected end of input in object at " + path);
      }
      String name = parser.currentName();
      parser.nextToken();
      builder.put(name, readValue(parser, path + "/" + name));
    }
    return builder.build();
  }

  private static @Nullable Object readValue(JsonParser parser, String path) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case VALUE_NULL:
        return null;
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_STRING:
        return parser.getText();
      case VALUE_NUMBER_INT:
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new IllegalArgumentException(
              "malformed twin JSON: integer at " + path + " is outside the 64-bit range");
        }
        return parser.getLongValue();
      case VALUE_NUMBER_FLOAT:
        double d = parser.getDoubleValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw new IllegalArgumentException(
              "malformed twin JSON: number at " + path + " is too large for a double");
        }
        return d;
      case START_OBJECT:
        return readObject(parser, path);
      case START_ARRAY:
        List<@Nullable Object> items = new ArrayList<>();
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
          if (item == null) {
            throw new IllegalArgumentException("malformed twin JSON: unexpected end of input in array at " + path);
          }
          items.add(readValue(parser, path + "/" + items.size()));
        }
        return Collections.unmodifiableList(items);
      default:
        throw new IllegalArgumentException("malformed twin JSON: unexpected " + token + " at " + path);
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
