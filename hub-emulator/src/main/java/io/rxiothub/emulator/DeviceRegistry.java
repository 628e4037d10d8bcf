// The emulator's identity registry as users see it: create, get, list, delete, enable and disable identities.
package io.rxiothub.emulator;

import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.RegistryStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Devices and modules of the emulated hub, with their keys. Thread-safe; changes apply at once (a deleted or
 * disabled identity that is connected is disconnected). Obtain it from {@link HubEmulator#registry()}.
 */
public final class DeviceRegistry {

  private final RegistryStore store;

  DeviceRegistry(RegistryStore store) {
    this.store = store;
  }

  /**
   * Creates a device with generated primary and secondary keys.
   *
   * @throws IllegalArgumentException if the id breaks the IoT Hub id rules or the device exists
   */
  public DeviceIdentity createDevice(String deviceId) {
    return store.create(deviceId, null, null, null);
  }

  /**
   * Creates a device with the given keys (base64, 16..64 bytes).
   *
   * @throws IllegalArgumentException if an id or key is bad or the device exists
   */
  public DeviceIdentity createDevice(String deviceId, String primaryKey, String secondaryKey) {
    return store.create(deviceId, null, primaryKey, secondaryKey);
  }

  /**
   * Creates a module of an existing device with generated keys.
   *
   * @throws IllegalArgumentException if an id is bad, the device does not exist, or the module exists
   */
  public DeviceIdentity createModule(String deviceId, String moduleId) {
    requireModuleId(moduleId);
    return store.create(deviceId, moduleId, null, null);
  }

  /**
   * Creates a module of an existing device with the given keys.
   *
   * @throws IllegalArgumentException if an id or key is bad, the device does not exist, or the module exists
   */
  public DeviceIdentity createModule(String deviceId, String moduleId, String primaryKey, String secondaryKey) {
    requireModuleId(moduleId);
    return store.create(deviceId, moduleId, primaryKey, secondaryKey);
  }

  /**
   * Creates a device that authenticates with a self-signed (or any) X.509 certificate whose thumbprint is
   * {@code primaryThumbprint} or {@code secondaryThumbprint}: SHA-1 (40 hex digits) or SHA-256 (64) of the DER
   * certificate; the secondary may be null. It connects with a client certificate and no password.
   *
   * @throws IllegalArgumentException if the id or a thumbprint is bad or the device exists
   */
  public DeviceIdentity createSelfSignedDevice(String deviceId, String primaryThumbprint,
      @Nullable String secondaryThumbprint) {
    if (primaryThumbprint == null) {
      throw new IllegalArgumentException("primaryThumbprint must not be null");
    }
    return store.createX509(deviceId, AuthenticationType.SELF_SIGNED, primaryThumbprint,
        secondaryThumbprint);
  }

  /**
   * Creates a device that authenticates with an X.509 certificate whose chain leads to a CA registered with
   * {@link #addCertificateAuthority} and whose subject CN is {@code deviceId}.
   *
   * @throws IllegalArgumentException if the id is bad or the device exists
   */
  public DeviceIdentity createCaSignedDevice(String deviceId) {
    return store.createX509(deviceId, AuthenticationType.CERTIFICATE_AUTHORITY, null, null);
  }

  /**
   * Creates a module of an existing device that authenticates with a self-signed (or any) X.509 certificate whose
   * thumbprint is {@code primaryThumbprint} or {@code secondaryThumbprint} (as
   * {@link #createSelfSignedDevice}); it connects as {@code {deviceId}/{moduleId}} with a client certificate and no
   * password.
   *
   * @throws IllegalArgumentException if an id or a thumbprint is bad, the device does not exist, or the module
   *     exists
   */
  public DeviceIdentity createSelfSignedModule(String deviceId, String moduleId, String primaryThumbprint,
      @Nullable String secondaryThumbprint) {
    requireModuleId(moduleId);
    if (primaryThumbprint == null) {
      throw new IllegalArgumentException("primaryThumbprint must not be null");
    }
    return store.createX509(deviceId, moduleId, AuthenticationType.SELF_SIGNED, primaryThumbprint,
        secondaryThumbprint);
  }

  /**
   * Creates a module of an existing device that authenticates with an X.509 certificate whose chain leads to a CA
   * registered with {@link #addCertificateAuthority} and whose subject CN is {@code {deviceId}/{moduleId}} (the
   * module's client id; docs/protocol.md §15.5).
   *
   * @throws IllegalArgumentException if an id is bad, the device does not exist, or the module exists
   */
  public DeviceIdentity createCaSignedModule(String deviceId, String moduleId) {
    requireModuleId(moduleId);
    return store.createX509(deviceId, moduleId, AuthenticationType.CERTIFICATE_AUTHORITY, null, null);
  }

  /**
   * Registers a root or intermediate CA certificate (as verified: the emulator asks no proof of possession);
   * certificateAuthority devices whose chains lead to it connect. Registering it again changes nothing.
   */
  public void addCertificateAuthority(X509Certificate certificate) {
    if (certificate == null) {
      throw new IllegalArgumentException("certificate must not be null");
    }
    store.addCertificateAuthority(certificate);
  }

  /** Removes a registered CA certificate (connected devices stay connected); whether it was registered. */
  public boolean removeCertificateAuthority(X509Certificate certificate) {
    if (certificate == null) {
      throw new IllegalArgumentException("certificate must not be null");
    }
    return store.removeCertificateAuthority(certificate);
  }

  /** The registered CA certificates, in order of registration. */
  public List<X509Certificate> certificateAuthorities() {
    return store.certificateAuthorities();
  }

  /** The device, if registered. */
  public Optional<DeviceIdentity> get(String deviceId) {
    return store.get(new Identity(deviceId, null));
  }

  /** The module, if registered. */
  public Optional<DeviceIdentity> get(String deviceId, String moduleId) {
    return store.get(new Identity(deviceId, moduleId));
  }

  /** Every device and module, in creation order. */
  public List<DeviceIdentity> list() {
    return store.list();
  }

  /** Deletes a device and its modules (disconnecting them); returns whether it existed. */
  public boolean delete(String deviceId) {
    return store.delete(new Identity(deviceId, null));
  }

  /** Deletes a module (disconnecting it); returns whether it existed. */
  public boolean delete(String deviceId, String moduleId) {
    return store.delete(new Identity(deviceId, moduleId));
  }

  /**
   * Enables or disables a device; a disabled device is disconnected and its CONNECTs are refused with CONNACK 3.
   *
   * @throws IllegalArgumentException if the device does not exist
   */
  public DeviceIdentity setEnabled(String deviceId, boolean enabled) {
    return store.setEnabled(new Identity(deviceId, null), enabled);
  }

  /**
   * Enables or disables a module.
   *
   * @throws IllegalArgumentException if the module does not exist
   */
  public DeviceIdentity setEnabled(String deviceId, String moduleId, boolean enabled) {
    return store.setEnabled(new Identity(deviceId, moduleId), enabled);
  }

  /**
   * The key of a shared access policy with device-connect rights; the emulator creates {@code iothubowner} and
   * {@code device}. Tokens signed with it carry {@code skn={name}}.
   */
  public Optional<String> policyKey(String policyName) {
    return Optional.ofNullable(store.policyKey(policyName));
  }

  /** Every policy name with its key (secrets). */
  public Map<String, String> policies() {
    return store.policies();
  }

  private static void requireModuleId(String moduleId) {
    if (moduleId == null) {
      throw new IllegalArgumentException("moduleId must not be null");
    }
  }
}
