// The emulator's identity registry: devices and modules with their keys, enabled flags, and hub policies.
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.sas.IotHubIds;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Thread-safe registry of identities, in creation order. Every change is written to the {@link StateLog} first and
 * made in memory only when that write returned: a change the log refuses fails and leaves memory as it was.
 */
public final class RegistryStore {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String hostName;
  private final Map<Identity, DeviceIdentity> identities = new LinkedHashMap<>();
  /** Each identity's place in creation order (kept across updates, stored with it). */
  private final Map<Identity, Long> order = new HashMap<>();
  /** The service-side fields of each identity. */
  private final Map<Identity, IdentityMeta> metas = new HashMap<>();
  private final Clock clock;
  private long nextOrder;
  private StateLog log = StateLog.NONE;
  private final Map<String, String> policies = new LinkedHashMap<>();
  private final List<X509Certificate> authorities = new ArrayList<>();
  private final Consumer<Identity> onRevoked;

  /** Creates an empty registry for {@code hostName}; {@code onRevoked} runs when an identity is deleted or disabled. */
  public RegistryStore(String hostName, Consumer<Identity> onRevoked) {
    this(hostName, Clock.systemUTC(), onRevoked);
  }

  /** As above; {@code clock} stamps {@code statusUpdatedTime}. */
  public RegistryStore(String hostName, Clock clock, Consumer<Identity> onRevoked) {
    this.hostName = hostName;
    this.clock = clock;
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
    return create(deviceId, moduleId, primaryKey, secondaryKey, true, null);
  }

  /**
   * Creates a device or module with its status and {@code statusReason}, in one durable write.
   *
   * @throws IllegalArgumentException if an id breaks the IoT Hub rules, a key is bad, the identity exists, or a
   *     module's device does not
   */
  public DeviceIdentity create(String deviceId, @Nullable String moduleId, @Nullable String primaryKey,
      @Nullable String secondaryKey, boolean enabled, @Nullable String statusReason) {
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
        .enabled(enabled)
        .build();
    put(identity, IdentityMeta.created(statusReason, now()), false);
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
    return createX509(deviceId, null, type, primaryThumbprint, secondaryThumbprint);
  }

  /**
   * As {@link #createX509(String, AuthenticationType, String, String)} for a device or, with {@code moduleId}, a
   * module of an existing device.
   *
   * @throws IllegalArgumentException if an id or a thumbprint is bad, the identity exists, or a module's device
   *     does not
   */
  public DeviceIdentity createX509(String deviceId, @Nullable String moduleId, AuthenticationType type,
      @Nullable String primaryThumbprint, @Nullable String secondaryThumbprint) {
    IotHubIds.checkDeviceId(deviceId);
    if (moduleId != null) {
      IotHubIds.checkModuleId(moduleId);
    }
    DeviceIdentity.Builder b = DeviceIdentity.builder().hostName(hostName).deviceId(deviceId).moduleId(moduleId)
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
    put(identity, IdentityMeta.created(null, now()), false);
    return identity;
  }

  /** Registers (or keeps) a CA certificate that certificateAuthority devices' chains may lead to. */
  public synchronized void addCertificateAuthority(X509Certificate certificate) {
    if (!authorities.contains(certificate)) {
      log.authority(certificate, true);
      authorities.add(certificate);
    }
  }

  /** Removes a registered CA certificate; whether it was registered. */
  public synchronized boolean removeCertificateAuthority(X509Certificate certificate) {
    if (!authorities.contains(certificate)) {
      return false;
    }
    log.authority(certificate, false);
    return authorities.remove(certificate);
  }

  /** The registered CA certificates, in order of registration. */
  public synchronized List<X509Certificate> certificateAuthorities() {
    return new ArrayList<>(authorities);
  }

  /** Adds a restored identity or replaces one (same rules as create; host name replaced by ours). */
  public void restore(DeviceIdentity identity) {
    restore(identity, null);
  }

  /** Adds a restored identity with its service-side fields (new ones when null). */
  public void restore(DeviceIdentity identity, @Nullable IdentityMeta meta) {
    Identity key = new Identity(identity.deviceId(), identity.moduleId());
    synchronized (this) {
      IdentityMeta kept = meta != null ? meta : metas.get(key);
      put(identity.toBuilder().hostName(hostName).build(),
          kept != null ? kept : new IdentityMeta(IdentityMeta.newGenerationId(), null, IdentityMeta.NEVER), true);
    }
  }

  private synchronized void put(DeviceIdentity identity, IdentityMeta meta, boolean replace) {
    Identity key = new Identity(identity.deviceId(), identity.moduleId());
    if (!replace && identities.containsKey(key)) {
      throw new IllegalArgumentException("identity '" + key + "' already exists in the registry");
    }
    if (key.moduleId() != null && !identities.containsKey(new Identity(key.deviceId(), null))) {
      throw new IllegalArgumentException(
          "deviceId '" + key.deviceId() + "' does not exist: create the device before its module");
    }
    Long known = order.get(key);
    long place = known != null ? known : nextOrder;
    log.identity(identity, meta, place); // first: a refused write changes nothing
    if (known == null) {
      nextOrder++;
      order.put(key, place);
    }
    identities.put(key, identity);
    metas.put(key, meta);
  }

  /**
   * Updates an identity in one durable write: the keys given (null keeps), the status ({@code enabled} null keeps),
   * and {@code statusReason} (replaced, null clears); {@code statusUpdatedTime} moves when the status changes. A
   * disabled identity is disconnected.
   *
   * @throws IllegalArgumentException if it does not exist or a key is bad
   */
  public DeviceIdentity update(Identity identity, @Nullable String primaryKey, @Nullable String secondaryKey,
      @Nullable Boolean enabled, @Nullable String statusReason) {
    return update(identity, primaryKey, secondaryKey, enabled, statusReason, false);
  }

  private DeviceIdentity update(Identity identity, @Nullable String primaryKey, @Nullable String secondaryKey,
      @Nullable Boolean enabled, @Nullable String statusReason, boolean keepReason) {
    DeviceIdentity updated;
    boolean revoked;
    synchronized (this) {
      DeviceIdentity current = identities.get(identity);
      if (current == null) {
        throw new IllegalArgumentException("identity '" + identity + "' does not exist in the registry");
      }
      DeviceIdentity.Builder next = current.toBuilder();
      if (primaryKey != null) {
        next.primaryKey(primaryKey);
      }
      if (secondaryKey != null) {
        next.secondaryKey(secondaryKey);
      }
      boolean statusChanged = enabled != null && enabled != current.enabled();
      if (statusChanged) {
        next.enabled(enabled);
      }
      try {
        updated = next.build();
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      IdentityMeta old = meta(identity);
      put(updated, new IdentityMeta(old.generationId(), keepReason ? old.statusReason() : statusReason,
          statusChanged ? now() : old.statusUpdatedTime()), true);
      revoked = enabled != null && !enabled;
    }
    if (revoked) {
      onRevoked.accept(identity);
    }
    return updated;
  }

  /** The service-side fields of an identity (for one not registered: a new generation id each call). */
  public synchronized IdentityMeta meta(Identity identity) {
    IdentityMeta meta = metas.get(identity);
    return meta != null ? meta : new IdentityMeta(IdentityMeta.newGenerationId(), null, IdentityMeta.NEVER);
  }

  private String now() {
    return clock.instant().toString();
  }

  /** The identity, if registered. */
  public synchronized Optional<DeviceIdentity> get(Identity identity) {
    return Optional.ofNullable(identities.get(identity));
  }

  /** All identities in creation order. */
  public synchronized List<DeviceIdentity> list() {
    return new ArrayList<>(identities.values());
  }

  /**
   * Deletes an identity (a device takes its modules along, in one durable write); returns whether it existed.
   */
  public boolean delete(Identity identity) {
    List<Identity> removed = new ArrayList<>();
    synchronized (this) {
      if (!identities.containsKey(identity)) {
        return false;
      }
      removed.add(identity);
      if (identity.moduleId() == null) {
        for (Identity k : identities.keySet()) {
          if (k.moduleId() != null && k.deviceId().equals(identity.deviceId())) {
            removed.add(k);
          }
        }
      }
      log.identitiesRemoved(removed); // first: a refused write changes nothing
      for (Identity gone : removed) {
        identities.remove(gone);
        order.remove(gone);
        metas.remove(gone);
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
    return update(identity, null, null, enabled, null, true);
  }

  /** Sets a shared access policy key (a policy with device-connect rights, e.g. {@code device}). */
  public synchronized void putPolicy(String name, String key) {
    log.policy(name, key);
    policies.put(name, key);
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
