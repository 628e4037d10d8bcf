// Example: a device configured by its twin: apply each desired change, then report what is in effect.
package io.rxiothub.examples;

import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinCollection;
import io.rxiothub.twin.TwinPatch;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a {@code telemetryInterval} setting in sync with the twin: reads the desired value at start, follows every
 * desired change in order (also those made while offline: the SDK reconciles after a reconnect), and reports the
 * value in effect with the desired {@code $version} it answers (the acknowledgement convention of IoT Plug and Play).
 *
 * <pre>
 * IOTHUB_DEVICE_CONNECTION_STRING='HostName=…' [IOTHUB_CA_FILE=ca.pem] \
 *   java -cp … io.rxiothub.examples.TwinConfiguration
 * </pre>
 */
public final class TwinConfiguration {

  /** The setting this device applies. */
  private final AtomicLong telemetryIntervalSeconds = new AtomicLong(60);

  public static void main(String[] args) throws Exception {
    DeviceClient.Builder builder = DeviceClient.builder()
        .connectionString(System.getenv("IOTHUB_DEVICE_CONNECTION_STRING"));
    String caFile = System.getenv("IOTHUB_CA_FILE");
    if (caFile != null) {
      try (InputStream in = new FileInputStream(caFile)) {
        builder.trustedCertificates((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    }
    try (DeviceClient client = builder.build()) {
      client.connect().blockingAwait();
      new TwinConfiguration().run(client, Long.MAX_VALUE, System.out);
    }
  }

  /** The interval in effect. */
  public long telemetryIntervalSeconds() {
    return telemetryIntervalSeconds.get();
  }

  /** Applies the current desired state, then {@code changes} desired changes; returns the last reported version. */
  public long run(IotHubClient client, long changes, PrintStream out) {
    // Subscribe to changes first, then read the current state: no change can fall between the two.
    Flowable<TwinPatch> updates = client.twin().desiredUpdates().replay().autoConnect(0);
    Twin twin = client.twin().get().blockingGet();
    long reported = apply(client, twin.desired(), twin.desiredVersion(), out).blockingGet();
    // Never block inside an operator: signals arrive on the client's callback thread, which also delivers the
    // answers to the reports; concatMapSingle waits for each report without holding that thread.
    return updates.take(changes)
        .concatMapSingle(patch -> apply(client, patch.properties(), patch.version() == null ? 0 : patch.version(), out))
        .reduce(reported, (previous, latest) -> latest)
        .blockingGet();
  }

  private Single<Long> apply(IotHubClient client, TwinCollection desired, long version, PrintStream out) {
    Long interval = desired.getLong("telemetryInterval");
    if (interval != null && interval > 0) {
      telemetryIntervalSeconds.set(interval);
    }
    out.println("desired $version " + version + ": telemetry every " + telemetryIntervalSeconds.get() + " s");
    TwinPatch report = TwinPatch.builder()
        .put("telemetryInterval", TwinCollection.builder()
            .put("value", telemetryIntervalSeconds.get())
            .put("ac", 200)
            .put("av", version)
            .build())
        .build();
    return client.twin().updateReported(report);
  }
}
