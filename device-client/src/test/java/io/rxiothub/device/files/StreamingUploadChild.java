// Run in a JVM with a small heap by FileUploadAzuriteIT: uploads generated content much larger than that heap, so the
// upload can only succeed if the client streams (at most two blocks in memory). Exit 0 on success.
package io.rxiothub.device.files;

import io.rxiothub.device.DeviceClient;
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

final class StreamingUploadChild {

  private StreamingUploadChild() {}

  /** Args: connection string, HTTPS port, CA PEM file, blob name, content length, block size. */
  public static void main(String[] args) throws Exception {
    X509Certificate ca;
    try (InputStream in = new FileInputStream(args[2])) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    long length = Long.parseLong(args[4]);
    DeviceClient client = DeviceClient.builder().connectionString(args[0]).trustedCertificates(ca)
        .httpsPort(Integer.parseInt(args[1])).fileUploadBlockSize(Integer.parseInt(args[5])).build();
    try {
      client.files().upload(args[3], () -> new GeneratedContent(length)).blockingSubscribe();
      Runtime rt = Runtime.getRuntime();
      System.out.println("uploaded " + length + " bytes with max heap " + rt.maxMemory());
    } finally {
      client.close();
    }
    System.exit(0);
  }
}
