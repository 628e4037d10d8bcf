// Example: handle cloud-to-device messages, each acknowledged to the hub once the handler returned.
package io.rxiothub.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prints cloud-to-device messages with their properties. A message is acknowledged (and so removed from the hub's
 * queue) only after {@code onNext} returned: if the process dies while handling it, the hub delivers it again.
 *
 * <pre>
 * IOTHUB_DEVICE_CONNECTION_STRING='HostName=…' [IOTHUB_CA_FILE=ca.pem] \
 *   java -cp … io.rxiothub.examples.CloudMessageReceiver 3
 * </pre>
 */
public final class CloudMessageReceiver {

  private CloudMessageReceiver() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1;
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
      run(client, count, 3600, System.out);
    }
  }

  /** Receives {@code count} messages (or fewer, if {@code timeoutSeconds} pass first) and returns them. */
  public static List<CloudMessage> run(IotHubClient client, int count, long timeoutSeconds, PrintStream out) {
    return client.cloudMessages()
        .doOnNext(m -> out.println("got \"" + new String(m.payload(), UTF_8) + "\" id " + m.messageId()
            + " properties " + m.applicationProperties()))
        .take(count)
        .take(timeoutSeconds, TimeUnit.SECONDS)
        .toList()
        .blockingGet();
  }
}
