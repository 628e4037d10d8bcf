// The organisation's registry: device types, devices and gateways with tokens, API keys with tokens.
package io.rxiothub.emulator.watson.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Device types, devices (gateways included) and API keys of one organisation. Thread-safe (one monitor). */
public final class WatsonRegistry {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] TOKEN_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_!".toCharArray();

  /** One registered device or gateway. */
  public record Device(String typeId, String deviceId, String token, boolean gateway, @Nullable String registeredBy) {
    /** Returns {@code type/id}. */
    public String key() {
      return WatsonRegistry.key(typeId, deviceId);
    }

    @Override
    public String toString() {
      return (gateway ? "gateway " : "device ") + typeId + "/" + deviceId;
    }
  }

  private final Set<String> types = new LinkedHashSet<>();
  private final Map<String, Device> devices = new LinkedHashMap<>();
  private final Map<String, String> apiKeys = new LinkedHashMap<>();

  static String key(String typeId, String deviceId) {
    return typeId + "/" + deviceId;
  }

  /** Returns a new random token of 20 characters. */
  public static String newToken() {
    char[] out = new char[20];
    for (int i = 0; i < out.length; i++) {
      out[i] = TOKEN_CHARS[RANDOM.nextInt(TOKEN_CHARS.length)];
    }
    return new String(out);
  }

  /** Adds a device type (idempotent). */
  public synchronized void addType(String typeId) {
    types.add(typeId);
  }

  /** Returns whether the type exists. */
  public synchronized boolean hasType(String typeId) {
    return types.contains(typeId);
  }

  /**
   * Registers a device or gateway (its type too).
   *
   * @throws IllegalStateException if it exists
   */
  public synchronized Device add(String typeId, String deviceId, String token, boolean gateway,
      @Nullable String registeredBy) {
    String key = key(typeId, deviceId);
    if (devices.containsKey(key)) {
      throw new IllegalStateException("device " + key + " already exists");
    }
    types.add(typeId);
    Device device = new Device(typeId, deviceId, token, gateway, registeredBy);
    devices.put(key, device);
    return device;
  }

  /** Returns the device, or null. */
  public synchronized @Nullable Device get(String typeId, String deviceId) {
    return devices.get(key(typeId, deviceId));
  }

  /** Removes a device; returns whether it existed. */
  public synchronized boolean remove(String typeId, String deviceId) {
    return devices.remove(key(typeId, deviceId)) != null;
  }

  /** Returns how many devices (gateways included) exist. */
  public synchronized int deviceCount() {
    return devices.size();
  }

  /** Returns how many devices the gateway {@code gatewayKey} auto-registered. */
  public synchronized int registeredBy(String gatewayKey) {
    int n = 0;
    for (Device d : devices.values()) {
      if (gatewayKey.equals(d.registeredBy())) {
        n++;
      }
    }
    return n;
  }

  /** Returns a snapshot of the devices. */
  public synchronized List<Device> devices() {
    return new ArrayList<>(devices.values());
  }

  /** Adds an API key with its token. */
  public synchronized void addApiKey(String key, String token) {
    apiKeys.put(key, token);
  }

  /** Returns whether {@code token} is the token of API key {@code key} (constant time). */
  public synchronized boolean checkApiKey(String key, @Nullable String token) {
    String expected = apiKeys.get(key);
    return expected != null && token != null && sameSecret(expected, token);
  }

  /** Compares two secrets in constant time. */
  public static boolean sameSecret(String expected, String given) {
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}
