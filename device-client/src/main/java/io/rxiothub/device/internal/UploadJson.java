// The JSON bodies of the hub's file upload endpoints (protocol.md §16.1), with jackson-core's streaming API.
package io.rxiothub.device.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.rxiothub.device.BlobSasUri;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Writes requests and reads the SAS URI answer; a malformed answer is an IOException naming what is missing. */
final class UploadJson {

  private static final JsonFactory FACTORY = new JsonFactory();

  private UploadJson() {}

  static byte[] sasRequest(String blobName) {
    return write(g -> g.writeStringField("blobName", blobName));
  }

  static byte[] notification(String correlationId, boolean success, int statusCode, String description) {
    return write(g -> {
      g.writeStringField("correlationId", correlationId);
      g.writeBooleanField("isSuccess", success);
      g.writeNumberField("statusCode", statusCode);
      g.writeStringField("statusDescription", description);
    });
  }

  static BlobSasUri sasAnswer(byte[] body) throws IOException {
    Map<String, String> fields = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("the hub's SAS URI answer is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_STRING) {
          fields.put(name, p.getText());
        } else {
          p.skipChildren();
        }
      }
    }
    try {
      return BlobSasUri.builder().correlationId(field(fields, "correlationId")).hostName(field(fields, "hostName"))
          .containerName(field(fields, "containerName")).blobName(field(fields, "blobName"))
          .sasToken(field(fields, "sasToken")).build();
    } catch (IllegalArgumentException e) {
      throw new IOException("the hub's SAS URI answer is incomplete: " + e.getMessage(), e);
    }
  }

  /** The {@code Message} of the hub's JSON error body, or null when the body is not one. */
  static @Nullable String errorMessage(byte[] body) {
    try (JsonParser p = FACTORY.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_STRING && name.equals("Message")) {
          return p.getText();
        }
        p.skipChildren();
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private static String field(Map<String, String> fields, String name) throws IOException {
    String value = fields.get(name);
    if (value == null || value.isEmpty()) {
      throw new IOException("the hub's SAS URI answer has no " + name);
    }
    return value;
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }
}
