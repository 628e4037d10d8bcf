// Example: answer direct methods with handlers, one per method name; unknown methods get 501 from the SDK.
package io.rxiothub.examples;

import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.CompositeDisposable;
import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.methods.MethodResponse;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;

/**
 * Registers {@code reboot} (answers at once, reboots later) and {@code getUptime}. A handler that throws is answered
 * 500 by the SDK, a method without a handler 501; exactly one reply goes out per request.
 *
 * <pre>
 * IOTHUB_DEVICE_CONNECTION_STRING='HostName=…' [IOTHUB_CA_FILE=ca.pem] \
 *   java -cp … io.rxiothub.examples.MethodHandler
 * </pre>
 */
public final class MethodHandler {

  private MethodHandler() {}

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
      register(client, System.out, () -> System.out.println("(a real device would reboot now)"));
      System.out.println("answering direct methods as " + client.deviceId() + "; Ctrl-C to stop");
      new CountDownLatch(1).await();                     // until Ctrl-C
    }
  }

  /** Registers the handlers; dispose the result to unregister them. */
  public static Disposable register(IotHubClient client, PrintStream out, Runnable onReboot) {
    long started = System.nanoTime();
    CompositeDisposable handlers = new CompositeDisposable();
    handlers.add(client.methods().handle("reboot", request -> {
      out.println("reboot requested with " + request.payloadAsString());
      onReboot.run();
      return Single.just(MethodResponse.ofJson(200, "{\"rebooting\":true}"));
    }));
    handlers.add(client.methods().handle("getUptime", request -> Single.fromCallable(() ->
        MethodResponse.ofJson(200, "{\"uptimeSeconds\":" + (System.nanoTime() - started) / 1_000_000_000L + "}"))));
    return handlers;
  }
}
