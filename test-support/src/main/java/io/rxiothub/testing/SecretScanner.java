// Finds keys, signatures and SAS tokens in text: the detector behind the suite-wide secrets scan (issue 9).
package io.rxiothub.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises what must never appear in log output, exception messages or {@code toString()}:
 * <ul>
 *   <li>a {@code sig=} with a value (a SAS token's signature), unless {@code <redacted>};
 *   <li>a {@code SharedAccessKey=} with a value, unless {@code <redacted>};
 *   <li>a base64 value of 32 or 64 bytes (the size of IoT Hub keys; the emulator's generated keys
 *       and any key a test makes look like this);
 *   <li>any secret registered with {@link #register(String)} (the suite's fixed test keys are).
 * </ul>
 * Findings are described without the secret itself: only its kind, offset and first characters.
 */
public final class SecretScanner {

  /** The fixed key many tests use (bytes 0..31). */
  public static final String TEST_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

  private static final Pattern SIGNATURE = Pattern.compile("sig=([A-Za-z0-9%+/=_-]{16,})");
  private static final Pattern KEY_FIELD = Pattern.compile("SharedAccessKey=([^;\\s<\"',}]{8,})");
  // 43 base64 characters and one '=' (32 bytes), or 86 and '==' (64 bytes), not inside a longer run.
  private static final Pattern BASE64_KEY = Pattern.compile(
      "(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])");
  private static final Pattern NOT_A_WORD = Pattern.compile("[0-9+/]");

  private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

  static {
    register(TEST_KEY);
  }

  private SecretScanner() {}

  /** Adds a secret that must never appear verbatim (at least 16 characters). */
  public static void register(String secret) {
    if (secret == null || secret.length() < 16) {
      throw new IllegalArgumentException("register secrets of at least 16 characters");
    }
    REGISTERED.add(secret);
  }

  /** Returns a description of each secret found in {@code text}; empty if none. */
  public static List<String> find(String text) {
    List<String> found = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return found;
    }
    Matcher m = SIGNATURE.matcher(text);
    while (m.find()) {
      found.add(describe("a SAS signature (sig=…)", text, m.start(1)));
    }
    m = KEY_FIELD.matcher(text);
    while (m.find()) {
      found.add(describe("a SharedAccessKey value", text, m.start(1)));
    }
    m = BASE64_KEY.matcher(text);
    while (m.find()) {
      if (NOT_A_WORD.matcher(m.group(1)).find()) {
        found.add(describe("a base64 key of " + (m.group(1).endsWith("==") ? 64 : 32) + " bytes",
            text, m.start(1)));
      }
    }
    for (String secret : REGISTERED) {
      int at = text.indexOf(secret);
      if (at >= 0) {
        found.add(describe("a registered test secret", text, at));
      }
    }
    return found;
  }

  /** Returns the messages and {@code toString()} of {@code error} and all its causes and suppressed. */
  public static String textOf(Throwable error) {
    StringBuilder out = new StringBuilder();
    appendText(error, out, 0);
    return out.toString();
  }

  private static void appendText(Throwable error, StringBuilder out, int depth) {
    if (error == null || depth > 20) {
      return;
    }
    out.append(error).append('\n');
    appendText(error.getCause(), out, depth + 1);
    for (Throwable s : error.getSuppressed()) {
      appendText(s, out, depth + 1);
    }
  }

  private static String describe(String kind, String text, int at) {
    int lineStart = text.lastIndexOf('\n', at) + 1;
    String context = text.substring(lineStart, at).trim();
    if (context.length() > 60) {
      context = "…" + context.substring(context.length() - 60);
    }
    return kind + " (starting '" + text.substring(at, Math.min(text.length(), at + 3))
        + "…') at offset " + at + ", after: " + context;
  }
}
