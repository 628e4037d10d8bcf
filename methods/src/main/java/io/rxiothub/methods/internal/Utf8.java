// Strict UTF-8 decoding for payloads, Java 8 / Android safe.
package io.rxiothub.methods.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import org.jspecify.annotations.Nullable;

/** UTF-8 helpers. Not part of the public API. */
public final class Utf8 {

  /** UTF-8 (StandardCharsets is avoided to keep the code obviously Android-24 safe). */
  public static final Charset UTF_8 = Charset.forName("UTF-8");

  private Utf8() {}

  /** Returns the strict UTF-8 decoding of {@code bytes}, or null when they are not valid UTF-8. */
  public static @Nullable String decodeStrict(byte[] bytes) {
    try {
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** Returns whether {@code bytes} are valid UTF-8 holding exactly one JSON value. */
  public static boolean isJson(byte[] bytes) {
    String text = decodeStrict(bytes);
    return text != null && Json.isValid(text);
  }
}
