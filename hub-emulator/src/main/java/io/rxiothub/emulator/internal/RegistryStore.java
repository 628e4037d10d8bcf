// The emulator's identity registry: devices and modules with their keys, enabled flags, and hub policies.
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.sas.IotHubIds;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Thread-safe registry of identities, in creation order. */
public final class RegistryStore {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String hostName;
  private final Map<Identity, DeviceIdentity> identities = new LinkedHashMap<>();
  /** Each identity's place in creation order (kept across updates, stored with it). */
  private final Map<Identity, Long> order = new HashMap<>();
  private long nextOrder;
  private StateLog log = StateLog.NONE;
  private final Map<String, String> policies = new LinkedHashMap<>();
  private final List<X509Certificate> authorities = new ArrayList<>();
  private final Consumer<Identity> onRevoked;

  /** Creates an empty registry for {@code hostName}; {@code onRevoked} runs when an identity is deleted or disabled. */
  public RegistryStore(String hostName, Consumer<Identity> onRevoked) {
    this.hostName = hostName;
    this.onRevoked = onRevoked;
  }

  /** Sends every change of the registry to {@code log} from now on. */
  public synchronized void log(StateLog log) {
    this.log = log;
  }

  /** A fresh random 32-byte key, base64. */
  public static String newKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** The hub host name. */
  public String hostName() {
    return hostName;
  }

  /**
   * Creates a device or module.
   *
   * @throws IllegalArgumentException if an id breaks the IoT Hub rules, a key is bad, the identity exists, or a
   *     module's device does not
   */
  public DeviceIdentity create(String deviceId, @Nullable String moduleId, @Nullable String primaryKey,
      @Nullable String secondaryKey) {
    IotHubIds.checkDeviceId(deviceId);
    if (moduleId != null) {
      IotHubIds.checkModuleId(moduleId);
    }
    DeviceIdentity identity = DeviceIdentity.builder()
        .hostName(hostName)
        .deviceId(deviceId)
        .moduleId(moduleId)
        .primaryKey(primaryKey == null ? newKey() : primaryKey)
        .secondaryKey(secondaryKey == null ? newKey() : secondaryKey)
        .build();
    put(identity, false);
    return identity;
  }

  /**
   * Creates an X.509 device: {@code type} selfSigned with thumbprints, or certificateAuthority without. It gets
   * random keys, which the hub never accepts for it.
   *
   * @throws IllegalArgumentException if the id or a thumbprint is bad or the device exists
   */
  public DeviceIdentity createX509(String deviceId, AuthenticationType type, @Nullable String primaryThumbprint,
      @Nullable String secondaryThumbprint) {
    IotHubIds.checkDeviceId(deviceId);
    DeviceIdentity.Builder b = DeviceIdentity.builder().hostName(hostName).deviceId(deviceId)
        .primaryKey(newKey()).secondaryKey(newKey()).authenticationType(type);
    if (primaryThumbprint != null) {
      b.thumbprints(primaryThumbprint, secondaryThumbprint);
    }
    DeviceIdentity identity;
    try {
      identity = b.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    put(identity, false);
    return identity;
  }

  /** Registers (or keeps) a CA certificate that certificateAuthority devices' chains may lead to. */
  public synchronized void addCertificateAuthority(X509Certificate certificate) {
    if (!authorities.contains(certificate)) {
      authorities.add(certificate);
      log.authority(certificate, true);
    }
  }

  /** Removes a registered CA certificate; whether it was registered. */
  public synchronized boolean removeCertificateAuthority(X509Certificate certificate) {
    boolean removed = authorities.remove(certificate);
    if (removed) {
      log.authority(certificate, false);
    }
    return removed;
  }

  /** The registered CA certificates, in order of registration. */
  public synchronized List<X509Certificate> certificateAuthorities() {
    return new ArrayList<>(authorities);
  }

  /** Adds a restored identity or replaces one (same rules as create; host name replaced by ours). */
  public void restore(DeviceIdentity identity) {
    put(identity.toBuilder().hostName(hostName).build(), true);
  }

  private synchronized void put(DeviceIdentity identity, boolean replace) {
    Identity key = new Identity(identity.deviceId(), identity.moduleId());
    if (!replace && identities.containsKey(key)) {
      throw new IllegalArgumentException("identity '" + key + "' already exists in the registry");
    }
    if (key.moduleId() != null && !identities.containsKey(new Identity(key.deviceId(), null))) {
      throw new IllegalArgumentException(
          "deviceId '" + key.deviceId() + "' does not exist: create the device before its module");
    }
    Long place = order.get(key);
    if (place == null) {
      place = nextOrder++;
      order.put(key, place);
    }
    identities.put(key, identity);
    log.identity(identity, place);
  }

  /** The identity, if registered. */
  public synchronized Optional<DeviceIdentity> get(Identity identity) {
    return Optional.ofNullable(identities.get(identity));
  }

  /** All identities in creation order. */
  public synchronized List<DeviceIdentity> list() {
    return new ArrayList<>(identities.values());
  }

  /** Deletes an identity (a device takes its modules along); returns whether it existed. */
  public boolean delete(Identity identity) {
    List<Identity> removed = new ArrayList<>();
    synchronized (this) {
      if (identities.remove(identity) == null) {
        return false;
      }
      removed.add(identity);
      if (identity.moduleId() == null) {
        identities.keySet().removeIf(k -> {
          boolean child = k.deviceId().equals(identity.deviceId());
          if (child) {
            removed.add(k);
          }
          return child;
        });
      }
      for (Identity gone : removed) {
        order.remove(gone);
        log.identityRemoved(gone);
      }
    }
    removed.forEach(onRevoked);
    return true;
  }

  /**
   * Enables or disables an identity; a disabled one is disconnected and refused.
   *
   * @throws IllegalArgumentException if it does not exist
   */
  public DeviceIdentity setEnabled(Identity identity, boolean enabled) {
    DeviceIdentity updated;
    synchronized (this) {
      DeviceIdentity current = identities.get(identity);
      if (current == null) {
        throw new IllegalArgumentException("identity '" + identity + "' does not exist in the registry");
      }
      updated = current.toBuilder().enabled(enabled).build();
      identities.put(identity, updated);
      log.identity(updated, order.get(identity));
    }
    if (!enabled) {
      onRevoked.accept(identity);
    }
    return updated;
  }

  /** Sets a shared access policy key (a policy with device-connect rights, e.g. {@code device}). */
  public synchronized void putPolicy(String name, String key) {
    policies.put(name, key);
    log.policy(name, key);
  }

  /** The policy's key, if any. */
  public synchronized @Nullable String policyKey(String name) {
    return policies.get(name);
  }

  /** All policies, name → key. */
  public synchronized Map<String, String> policies() {
    return new LinkedHashMap<>(policies);
  }
}
