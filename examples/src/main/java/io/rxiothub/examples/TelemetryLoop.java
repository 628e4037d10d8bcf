// Example: send a temperature reading every few seconds, each completing on the hub's acknowledgement.
package io.rxiothub.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reactivex.rxjava3.core.Flowable;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.device.Message;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Sends {@code count} readings, one every {@code periodMillis}, in order: the next message goes out after the
 * previous one was acknowledged (PUBACK), so a slow or reconnecting hub slows the loop down instead of piling up.
 *
 * <pre>
 * IOTHUB_DEVICE_CONNECTION_STRING='HostName=…' [IOTHUB_CA_FILE=ca.pem] \
 *   java -cp … io.rxiothub.examples.TelemetryLoop 10
 * </pre>
 */
public final class TelemetryLoop {

  private TelemetryLoop() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    DeviceClient.Builder builder = DeviceClient.builder()
        .connectionString(System.getenv("IOTHUB_DEVICE_CONNECTION_STRING"));
    String caFile = System.getenv("IOTHUB_CA_FILE");      // the hub emulator's CA; unset for a real hub
    if (caFile != null) {
      try (InputStream in = new FileInputStream(caFile)) {
        builder.trustedCertificates((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    }
    try (DeviceClient client = builder.build()) {
      client.connect().blockingAwait();
      run(client, count, 2_000, System.out);
      client.disconnect().blockingAwait();
    }
  }

  /** Sends the readings and returns how many the hub acknowledged. */
  public static long run(IotHubClient client, int count, long periodMillis, PrintStream out) {
    return Flowable.intervalRange(1, count, 0, periodMillis, TimeUnit.MILLISECONDS)
        .onBackpressureLatest()
        .concatMapSingle(i -> {
          double temperature = 20 + 5 * Math.sin(i / 3.0);
          Message message = Message.builder()
              .payload(String.format(Locale.ROOT, "{\"reading\":%d,\"temperature\":%.2f}", i, temperature)
                  .getBytes(UTF_8))
              .contentType("application/json")
              .contentEncoding("utf-8")
              .property("sensor", "t1")
              .property("alert", temperature > 24 ? "true" : "false")
              .build();
          return client.send(message)
              .doOnComplete(() -> out.println("reading " + i + " acknowledged"))
              .toSingleDefault(i);
        })
        .count()
        .blockingGet();
  }
}
