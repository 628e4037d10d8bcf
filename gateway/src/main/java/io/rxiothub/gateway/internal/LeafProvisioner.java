// Provisions a leaf on first sight through the DPS enrollment group (protocol.md §18.5): one registration at a time
// per leaf, the assignment kept, then the leaf's relay made; at start the kept assignments come back without DPS.
package io.rxiothub.gateway.internal;

import io.rxiothub.device.ProvisioningClient;
import io.rxiothub.gateway.LeafDevice;
import io.rxiothub.gateway.LeafProvisioning;
import io.rxiothub.provisioning.Registration;
import io.rxiothub.sas.DpsKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registers unknown leaves with DPS and adds their relays. Thread-safe. */
public final class LeafProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(LeafProvisioner.class);
  private static final long REGISTRATION_TIMEOUT_MILLIS = 30_000;

  private final LeafProvisioning settings;
  private final ProvisionedLeaves kept;
  private final UpstreamFactory factory;
  private final Relays relays;
  private final Function<LeafDevice, LeafRelay> newRelay;
  private final @Nullable KeyStore trust;
  private final Map<String, CompletableFuture<LeafRelay>> registering = new ConcurrentHashMap<>();

  /**
   * Creates the provisioner of {@code settings}, keeping assignments in {@code kept}, telling {@code factory} each
   * leaf's hub and adding to {@code relays} what {@code newRelay} makes.
   */
  public LeafProvisioner(LeafProvisioning settings, ProvisionedLeaves kept, UpstreamFactory factory, Relays relays,
      Function<LeafDevice, LeafRelay> newRelay) {
    this.settings = settings;
    this.kept = kept;
    this.factory = factory;
    this.relays = relays;
    this.newRelay = newRelay;
    Path ca = settings.caFile();
    this.trust = ca == null ? null : trustStore(UpstreamFactory.certificates(ca));
  }

  /** The leaf a registration id stands for: its key derived from the group key. */
  public LeafDevice leaf(String registrationId) {
    return LeafDevice.of(registrationId, DpsKeys.deriveDeviceKey(settings.groupKey(), registrationId));
  }

  /** Adds the relays of the leaves an earlier run provisioned (no DPS request); returns how many. */
  public int restore() {
    Map<String, String> all = kept.all();
    all.forEach((id, hub) -> {
      factory.assign(id, hub);
      relays.getOrAdd(id, k -> newRelay.apply(leaf(k)));
    });
    return all.size();
  }

  /**
   * Returns the relay of {@code registrationId} once DPS assigned it (at once if it already has a relay); one
   * registration at a time per leaf: a CONNECT that comes while it runs waits for the same one.
   */
  public CompletableFuture<LeafRelay> provision(String registrationId) {
    LeafRelay existing = relays.get(registrationId);
    if (existing != null) {
      return CompletableFuture.completedFuture(existing);
    }
    CompletableFuture<LeafRelay> mine = new CompletableFuture<>();
    CompletableFuture<LeafRelay> running = registering.putIfAbsent(registrationId, mine);
    if (running != null) {
      return running;
    }
    LOG.info("gateway: registering leaf {} with DPS ({})", registrationId, settings.globalEndpoint());
    try {
      ProvisioningClient.Builder b = ProvisioningClient.builder()
          .globalEndpoint(settings.globalEndpoint())
          .port(settings.port())
          .idScope(settings.idScope())
          .registrationId(registrationId)
          .groupKey(settings.groupKey())
          .timeoutMillis(REGISTRATION_TIMEOUT_MILLIS);
      if (trust != null) {
        b.trustStore(trust);
      }
      b.build().register().subscribe(registration -> assigned(registrationId, registration, mine),
          error -> failed(registrationId, error, mine));
    } catch (RuntimeException e) {
      failed(registrationId, e, mine);
    }
    return mine;
  }

  private void assigned(String registrationId, Registration registration, CompletableFuture<LeafRelay> result) {
    String hub = registration.assignedHub();
    String deviceId = registration.deviceId();
    if (hub == null || deviceId == null) {
      failed(registrationId, new IllegalStateException("DPS named no hub or device id"), result);
      return;
    }
    if (!deviceId.equals(registrationId)) {
      failed(registrationId, new IllegalStateException("DPS assigned device id '" + deviceId
          + "', not the registration id: the gateway carries a leaf under its own client id only"), result);
      return;
    }
    try {
      kept.put(registrationId, hub);
      factory.assign(registrationId, hub);
      LeafRelay relay = relays.getOrAdd(registrationId, k -> newRelay.apply(leaf(k)));
      LOG.info("gateway: leaf {} provisioned to {} ({})", registrationId, hub, registration.substatus());
      registering.remove(registrationId);
      result.complete(relay);
    } catch (RuntimeException e) {
      failed(registrationId, e, result);
    }
  }

  private void failed(String registrationId, Throwable error, CompletableFuture<LeafRelay> result) {
    LOG.warn("gateway: provisioning leaf {} failed: {}", registrationId, error.toString());
    registering.remove(registrationId);
    result.completeExceptionally(error);
  }

  private static KeyStore trustStore(X509Certificate[] certificates) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.length; i++) {
        store.setCertificateEntry("dps-ca-" + i, certificates[i]);
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make a trust store of the DPS CA file: " + e.getMessage(), e);
    }
  }
}
