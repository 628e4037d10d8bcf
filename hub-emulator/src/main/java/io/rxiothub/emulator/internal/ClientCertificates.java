// Client certificate chains verified in TLS by the front, handed to the broker's CONNECT authentication
// (protocol.md §15.5): the front puts a one-time random marker where the CONNECT had no password.
package io.rxiothub.emulator.internal;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Thread-safe; each marker is taken at most once. */
public final class ClientCertificates {

  /** What every marker starts with; no SAS token does. */
  static final String PREFIX = "rxiothub-client-certificate:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, List<X509Certificate>> pending = new ConcurrentHashMap<>();

  /** Holds {@code chain} (leaf first) and returns the marker naming it: 128 random bits. */
  public String hold(List<X509Certificate> chain) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    StringBuilder marker = new StringBuilder(PREFIX);
    for (byte b : bytes) {
      marker.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
    }
    String key = marker.toString();
    pending.put(key, List.copyOf(chain));
    return key;
  }

  /** Drops a held chain (the connection closed before its CONNECT was authenticated). */
  public void forget(String marker) {
    pending.remove(marker);
  }

  /** Whether a CONNECT password is a marker (held or not). */
  public static boolean isMarker(byte @Nullable [] password) {
    return password != null && new String(password, StandardCharsets.UTF_8).startsWith(PREFIX);
  }

  /** The chain a marker names, removing it; null if it names none (taken already, or forged). */
  public @Nullable List<X509Certificate> take(byte[] password) {
    return pending.remove(new String(password, StandardCharsets.UTF_8));
  }

  /** How many chains wait for their CONNECT to be authenticated. */
  public int pending() {
    return pending.size();
  }
}
