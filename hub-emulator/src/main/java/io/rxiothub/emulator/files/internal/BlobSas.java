// Blob service SAS tokens (Azure Storage "Create a service SAS", versions 2018-11-09 to 2020-10-02): sign one for a
// blob, and check one the built-in storage face receives. Pure: time is passed in.
package io.rxiothub.emulator.files.internal;

import io.rxiothub.sas.PercentEncoding;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/** Signs and verifies service SAS tokens of one blob; messages never show a signature or key. */
public final class BlobSas {

  /** The signed version: the last one whose string-to-sign has no encryption scope field. */
  public static final String VERSION = "2020-10-02";

  private BlobSas() {}

  /**
   * The SAS query ({@code sv=…&sr=b&sp=…&se=…&sig=…}, percent-encoded, no leading {@code ?}) granting
   * {@code permissions} (e.g. {@code "rw"}) on {@code container/blobName} (not encoded) until {@code expiry}.
   */
  public static String sign(String account, String key, String container, String blobName, String permissions,
      Instant expiry) {
    String se = expiry.truncatedTo(ChronoUnit.SECONDS).toString();
    String sig = signature(key, stringToSign(permissions, "", se, account, container, blobName, "", VERSION));
    return "sv=" + VERSION + "&sr=b&sp=" + permissions + "&se=" + PercentEncoding.encode(se) + "&sig="
        + PercentEncoding.encode(sig);
  }

  /**
   * Checks the SAS of a request (its decoded query parameters) for {@code container/blobName} and the permission
   * letter {@code needed} ({@code r}, {@code w}) at {@code now}.
   *
   * @return null when valid, else the reason (Blob storage answers 403 AuthenticationFailed with it)
   */
  public static @Nullable String check(Map<String, String> query, String account, String key, String container,
      String blobName, char needed, Instant now) {
    String sv = query.get("sv");
    String sr = query.get("sr");
    String sp = query.get("sp");
    String se = query.get("se");
    String sig = query.get("sig");
    if (sv == null || sr == null || sp == null || se == null || sig == null) {
      return "the request has no complete service SAS (sv, sr, sp, se and sig are required)";
    }
    if (!sr.equals("b")) {
      return "signed resource sr=" + sr + " is not a blob (b)";
    }
    String st = query.getOrDefault("st", "");
    String spr = query.getOrDefault("spr", "");
    String expected = signature(key, stringToSign(sp, st, se, account, container, blobName, spr, sv));
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sig.getBytes(StandardCharsets.UTF_8))) {
      return "the SAS signature does not match (it was signed for another blob, account or key)";
    }
    Instant expiry;
    try {
      expiry = Instant.parse(se);
    } catch (DateTimeParseException e) {
      return "signed expiry se=" + se + " is not an ISO 8601 UTC time";
    }
    if (!now.isBefore(expiry)) {
      return "the SAS expired at " + se;
    }
    if (sp.indexOf(needed) < 0) {
      return "the SAS grants '" + sp + "', this operation needs '" + needed + "'";
    }
    return null;
  }

  static String stringToSign(String sp, String st, String se, String account, String container, String blobName,
      String spr, String sv) {
    // sp, st, se, canonicalized resource, si, sip, spr, sv, sr, snapshot time, rscc, rscd, rsce, rscl, rsct
    return String.join("\n", sp, st, se, "/blob/" + account + "/" + container + "/" + blobName, "", "", spr, sv, "b",
        "", "", "", "", "", "");
  }

  private static String signature(String key, String stringToSign) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(key), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
