// Example: upload a file through the hub to its Blob storage, streaming, with progress and a retry of the whole
// upload when the hub or storage says to try again later.
package io.rxiothub.examples;

import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.device.IotHubFileUploadException;
import io.rxiothub.device.UploadProgress;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Uploads a file as {@code {deviceId}/{blob name}}: the SDK holds one block (4 MiB) in memory whatever the size,
 * retries a failed block itself, and tells the hub how it went. This program also retries the whole upload a few
 * times when the error says it may work later ({@code isRetryable()}: throttled, storage busy, network).
 *
 * <pre>
 * IOTHUB_DEVICE_CONNECTION_STRING='HostName=…' [IOTHUB_CA_FILE=ca.pem IOTHUB_HTTPS_PORT=8443] \
 *   java -cp … io.rxiothub.examples.FileUploader photo.jpg cameras/photo.jpg
 * </pre>
 */
public final class FileUploader {

  private FileUploader() {}

  public static void main(String[] args) throws Exception {
    File file = new File(args[0]);
    String blobName = args.length > 1 ? args[1] : file.getName();
    DeviceClient.Builder builder = DeviceClient.builder()
        .connectionString(System.getenv("IOTHUB_DEVICE_CONNECTION_STRING"));
    String caFile = System.getenv("IOTHUB_CA_FILE");
    if (caFile != null) {
      try (InputStream in = new FileInputStream(caFile)) {
        builder.trustedCertificates((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    }
    String httpsPort = System.getenv("IOTHUB_HTTPS_PORT");
    if (httpsPort != null) {
      builder.httpsPort(Integer.parseInt(httpsPort));
    }
    try (DeviceClient client = builder.build()) {
      run(client, file, blobName, System.out);
    }
  }

  /** Uploads {@code file} as {@code blobName}, printing progress; returns the bytes sent. */
  public static long run(IotHubClient client, File file, String blobName, PrintStream out) {
    return client.files().upload(blobName, file)
        .doOnNext(p -> out.println(String.format(Locale.ROOT, "%s: %d of %d bytes (%.0f %%)", p.blobName(),
            p.bytesSent(), p.totalBytes(), p.fraction() * 100)))
        .lastOrError()
        .map(UploadProgress::bytesSent)
        // the whole upload again, at most 3 times, only for errors that may go away (a new SAS URI each time)
        .retry(3, e -> e instanceof IotHubFileUploadException && ((IotHubFileUploadException) e).isRetryable())
        .doOnSuccess(n -> out.println("uploaded " + n + " bytes; the hub was notified"))
        .blockingGet();
  }
}
