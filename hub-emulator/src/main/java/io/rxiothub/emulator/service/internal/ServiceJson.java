// JSON helpers of the service face: parse bodies with clear errors, write answers, etags.
package io.rxiothub.emulator.service.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.http.HttpAnswer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Shared JSON plumbing. */
final class ServiceJson {

  static final ObjectMapper JSON = new ObjectMapper();
  /** The hub's "never" timestamp. */
  static final String NEVER = "0001-01-01T00:00:00Z";

  private ServiceJson() {}

  /**
   * Parses a request body that must be a JSON object.
   *
   * @throws HubError 400 naming what is wrong (the parser's first line)
   */
  static ObjectNode object(byte[] body, String what) {
    if (body.length == 0) {
      throw HubError.badRequest(what + " is missing: send a JSON object");
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw HubError.badRequest(what + " is not valid JSON: " + e.getOriginalMessage().split("\n")[0]);
    } catch (IOException e) {
      throw HubError.badRequest(what + " is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw HubError.badRequest(what + " must be a JSON object");
    }
    return (ObjectNode) node;
  }

  static HttpAnswer ok(JsonNode body) {
    return HttpAnswer.json(200, body.toString());
  }

  /** A quoted etag derived from {@code content} (changes whenever the content does). */
  static String etag(String content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return "\"" + Base64.getEncoder().withoutPadding().encodeToString(digest).substring(0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether an {@code If-Match} value accepts {@code etag} (absent and {@code *} accept anything). */
  static boolean ifMatch(String ifMatch, String etag) {
    String wanted = ifMatch.trim();
    if (wanted.equals("*")) {
      return true;
    }
    String bare = etag.substring(1, etag.length() - 1);
    return wanted.equals(etag) || wanted.equals(bare) || wanted.equals("W/" + etag);
  }
}
