// Shared access signature tokens (protocol.md §2): generate, parse, verify, and decide when to renew.
package io.rxiothub.sas;

import io.rxiothub.sas.internal.Base64Codec;
import io.rxiothub.sas.internal.Hmac;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * An IoT Hub shared access signature: {@code SharedAccessSignature sr=…&sig=…&se=…[&skn=…]}.
 *
 * <p>The signature is {@code base64(HMAC-SHA256(key, sr + "\n" + se))} over {@code sr} exactly as it
 * appears in the token, so both the encoded form this class generates and the raw form the official
 * Java SDK sends verify. Instances are immutable; time is always passed in, never read from a clock.
 * {@link #toString()} never shows the signature; {@link #format()} does, so treat its result as a
 * secret.
 */
public final class SasToken {

  private static final String PREFIX = "SharedAccessSignature ";
  private static final int SIGNATURE_BYTES = 32;
  private static final int MAX_EXPIRY_DIGITS = 18;

  private final String resource;
  private final String signature;
  private final long expiryEpochSeconds;
  private final @Nullable String keyName;

  private SasToken(String resource, String signature, long expiryEpochSeconds, @Nullable String keyName) {
    this.resource = resource;
    this.signature = signature;
    this.expiryEpochSeconds = expiryEpochSeconds;
    this.keyName = keyName;
  }

  /**
   * Signs a token for {@code resourceUri} (for example {@code contoso.azure-devices.net/devices/dev1}).
   *
   * @param resourceUri the resource, not encoded; it is percent-encoded into {@code sr}
   * @param base64Key the device, module or policy key as base64 text
   * @param expiryEpochSeconds the expiry, in seconds since 1970-01-01T00:00:00Z
   * @param keyName the policy name ({@code skn}) when signing with a shared access policy key, else null
   * @throws IllegalArgumentException naming the argument and the rule it breaks
   */
  public static SasToken generate(
      String resourceUri, String base64Key, long expiryEpochSeconds, @Nullable String keyName) {
    if (resourceUri == null || resourceUri.isEmpty()) {
      throw new IllegalArgumentException("resource URI is missing: expected {host}/devices/{deviceId}");
    }
    byte[] key = decodeKey(base64Key);
    if (expiryEpochSeconds < 0 || String.valueOf(expiryEpochSeconds).length() > MAX_EXPIRY_DIGITS) {
      throw new IllegalArgumentException(
          "expiry must be between 0 and 10^18 seconds since the epoch, was " + expiryEpochSeconds);
    }
    if (keyName != null) {
      checkKeyName(keyName);
    }
    String sr = PercentEncoding.encode(resourceUri);
    String sig = PercentEncoding.encode(Base64Codec.encode(Hmac.sha256(key, sr + "\n" + expiryEpochSeconds)));
    return new SasToken(sr, sig, expiryEpochSeconds, keyName);
  }

  /**
   * Parses a token such as {@code SharedAccessSignature sr=…&sig=…&se=…}, fields in any order,
   * {@code sr} encoded or raw.
   *
   * @throws IllegalArgumentException naming the field and the rule it breaks (never the signature)
   */
  public static SasToken parse(String token) {
    if (token == null) {
      throw new IllegalArgumentException("SAS token is missing");
    }
    String text = token.trim();
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "SAS token must start with 'SharedAccessSignature ' followed by sr=…&sig=…&se=…");
    }
    String sr = null;
    String sig = null;
    String se = null;
    String skn = null;
    for (String field : text.substring(PREFIX.length()).split("&", -1)) {
      int eq = field.indexOf('=');
      String name = eq < 0 ? field : field.substring(0, eq);
      String value = eq < 0 ? "" : field.substring(eq + 1);
      if (name.isEmpty()) {
        throw new IllegalArgumentException("SAS token has an empty field; expected sr=…&sig=…&se=…[&skn=…]");
      }
      if (eq < 0) {
        throw new IllegalArgumentException("SAS token field " + describeUnknownName(name)
            + " has no '=' and no value");
      }
      switch (name) {
        case "sr":
          sr = unique(name, sr, value);
          break;
        case "sig":
          sig = unique(name, sig, value);
          break;
        case "se":
          se = unique(name, se, value);
          break;
        case "skn":
          skn = unique(name, skn, value);
          break;
        default:
          throw new IllegalArgumentException(
              "SAS token has an unknown field " + describeUnknownName(name)
                  + "; the fields are sr, sig, se and skn");
      }
    }
    if (sr == null || sr.isEmpty()) {
      throw new IllegalArgumentException("SAS token field sr (the resource URI) is missing or empty");
    }
    if (sig == null || sig.isEmpty()) {
      throw new IllegalArgumentException("SAS token field sig (the signature) is missing or empty");
    }
    if (se == null || se.isEmpty()) {
      throw new IllegalArgumentException("SAS token field se (the expiry) is missing or empty");
    }
    checkResource(sr);
    byte[] signatureBytes = decodeSignature(sig);
    if (signatureBytes == null || signatureBytes.length != SIGNATURE_BYTES) {
      throw new IllegalArgumentException(
          "SAS token field sig is not a URL-encoded base64 HMAC-SHA256 signature (32 bytes)");
    }
    String keyName = null;
    if (skn != null) {
      try {
        keyName = checkKeyName(PercentEncoding.decode(skn));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("SAS token field skn: " + e.getMessage());
      }
    }
    return new SasToken(sr, sig, parseExpiry(se), keyName);
  }

  /** Returns the full token text, {@code SharedAccessSignature sr=…&sig=…&se=…[&skn=…]}: a secret. */
  public String format() {
    StringBuilder out = new StringBuilder(PREFIX.length() + resource.length() + signature.length() + 40);
    out.append(PREFIX).append("sr=").append(resource).append("&sig=").append(signature)
        .append("&se=").append(expiryEpochSeconds);
    if (keyName != null) {
      out.append("&skn=").append(PercentEncoding.encode(keyName));
    }
    return out.toString();
  }

  /** Returns the resource URI this token grants access to, decoded. */
  public String resourceUri() {
    return isRawResource(resource) ? resource : PercentEncoding.decode(resource);
  }

  /** Returns the expiry in seconds since 1970-01-01T00:00:00Z. */
  public long expiryEpochSeconds() {
    return expiryEpochSeconds;
  }

  /** Returns the shared access policy name ({@code skn}), or null for a device or module key token. */
  public @Nullable String keyName() {
    return keyName;
  }

  /**
   * Returns whether this token was signed with {@code base64Key}, comparing in constant time.
   *
   * @throws IllegalArgumentException if {@code base64Key} is not valid base64
   */
  public boolean verify(String base64Key) {
    byte[] key = decodeKey(base64Key);
    byte[] expected = Hmac.sha256(key, resource + "\n" + expiryEpochSeconds);
    byte[] actual = decodeSignature(signature);
    return actual != null && Hmac.constantTimeEquals(expected, actual);
  }

  /** Returns whether the token has expired at {@code nowEpochSeconds} (expired from {@code se} on). */
  public boolean isExpired(long nowEpochSeconds) {
    return nowEpochSeconds >= expiryEpochSeconds;
  }

  /**
   * Returns whether this token's resource and {@code resourceUri} are segment prefixes of one another
   * (host compared case-insensitively): {@code hub/devices} covers {@code hub/devices/dev1}, and
   * {@code hub/devices/dev1} covers {@code hub/devices/dev1/modules/m1} but not {@code hub/devices/dev12}.
   */
  public boolean covers(String resourceUri) {
    if (resourceUri == null) {
      return false;
    }
    List<String> mine = segments(resourceUri());
    List<String> theirs = segments(resourceUri);
    int common = Math.min(mine.size(), theirs.size());
    if (common == 0) {
      return false;
    }
    if (!mine.get(0).toLowerCase(Locale.ROOT).equals(theirs.get(0).toLowerCase(Locale.ROOT))) {
      return false;
    }
    for (int i = 1; i < common; i++) {
      if (!mine.get(i).equals(theirs.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns when to renew a token issued at {@code issuedAtEpochSeconds}: {@code margin} of its lifetime
   * before expiry, rounded earlier. A margin of 0.15 renews a one-hour token after 51 minutes.
   *
   * @throws IllegalArgumentException if {@code margin} is not in [0, 1) or the token was issued after
   *     its expiry
   */
  public long renewAtEpochSeconds(long issuedAtEpochSeconds, double margin) {
    if (!(margin >= 0 && margin < 1)) {
      throw new IllegalArgumentException("renewal margin must be in [0, 1), was " + margin);
    }
    if (issuedAtEpochSeconds > expiryEpochSeconds) {
      throw new IllegalArgumentException("token issue time " + issuedAtEpochSeconds
          + " is after its expiry " + expiryEpochSeconds);
    }
    return expiryEpochSeconds - (long) Math.ceil((expiryEpochSeconds - issuedAtEpochSeconds) * margin);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SasToken)) {
      return false;
    }
    SasToken that = (SasToken) o;
    return expiryEpochSeconds == that.expiryEpochSeconds
        && resource.equals(that.resource)
        && signature.equals(that.signature)
        && (keyName == null ? that.keyName == null : keyName.equals(that.keyName));
  }

  @Override
  public int hashCode() {
    int h = resource.hashCode();
    h = 31 * h + signature.hashCode();
    h = 31 * h + (int) (expiryEpochSeconds ^ (expiryEpochSeconds >>> 32));
    return 31 * h + (keyName == null ? 0 : keyName.hashCode());
  }

  @Override
  public String toString() {
    return "SasToken{resource=" + resourceUri() + ", expiry=" + expiryEpochSeconds
        + (keyName == null ? "" : ", keyName=" + keyName) + ", signature=<redacted>}";
  }

  private static byte[] decodeKey(@Nullable String base64Key) {
    if (base64Key == null || base64Key.isEmpty()) {
      throw new IllegalArgumentException("key is missing: expected the base64 text of a shared access key");
    }
    byte[] key = Base64Codec.decode(base64Key);
    if (key == null) {
      throw new IllegalArgumentException("key is not valid base64 (RFC 4648, with '=' padding)");
    }
    if (key.length == 0) {
      throw new IllegalArgumentException("key is empty after base64 decoding");
    }
    return key;
  }

  private static byte @Nullable [] decodeSignature(String sig) {
    try {
      return Base64Codec.decode(PercentEncoding.decode(sig));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String unique(String name, @Nullable String previous, String value) {
    if (previous != null) {
      throw new IllegalArgumentException("SAS token field " + name + " appears more than once");
    }
    return value;
  }

  private static void checkResource(String sr) {
    for (int i = 0; i < sr.length(); i++) {
      if (Character.isWhitespace(sr.charAt(i))) {
        throw new IllegalArgumentException("SAS token field sr must not contain white space");
      }
    }
    if (!isRawResource(sr)) {
      try {
        PercentEncoding.decode(sr);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("SAS token field sr: " + e.getMessage());
      }
    }
  }

  private static long parseExpiry(String se) {
    boolean digits = se.length() <= MAX_EXPIRY_DIGITS;
    for (int i = 0; i < se.length() && digits; i++) {
      digits = se.charAt(i) >= '0' && se.charAt(i) <= '9';
    }
    if (!digits || se.length() > 1 && se.charAt(0) == '0') {
      throw new IllegalArgumentException(
          "SAS token field se must be the expiry in decimal seconds since the epoch, no sign or leading zero,"
              + " at most " + MAX_EXPIRY_DIGITS + " digits");
    }
    return Long.parseLong(se);
  }

  private static String checkKeyName(String keyName) {
    if (keyName.isEmpty()) {
      throw new IllegalArgumentException("shared access key name (skn) must not be empty");
    }
    for (int i = 0; i < keyName.length(); i++) {
      char c = keyName.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "shared access key name (skn) must not contain white space or control characters");
      }
    }
    return keyName;
  }

  /** The official Java SDK sends {@code sr} unencoded; an encoded resource never holds a '/'. */
  private static boolean isRawResource(String sr) {
    return sr.indexOf('/') >= 0;
  }

  private static List<String> segments(String uri) {
    List<String> out = new ArrayList<>();
    for (String s : uri.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Describes a field name that is not one of ours without echoing it: a mangled token or connection
   * string can turn part of a signature or key into a "name", so only its first three characters and
   * its length are shown.
   */
  static String describeUnknownName(String name) {
    String printable = name.replaceAll("[^\\x20-\\x7e]", "?");
    if (printable.length() <= 3) {
      return "'" + printable + "'";
    }
    return "'" + printable.substring(0, 3) + "…' (" + name.length() + " characters)";
  }
}
