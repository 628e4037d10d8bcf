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

  /**
   * Args: HTTPS port, CA PEM file, blob name, content length, block size; the device's connection string in the
   * environment variable IOTHUB_DEVICE_CONNECTION_STRING.
   */
  public static void main(String[] args) throws Exception {
    X509Certificate ca;
    try (InputStream in = new FileInputStream(args[1])) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    long length = Long.parseLong(args[3]);
    DeviceClient client = DeviceClient.builder().connectionString(DeviceConnectionEnvironment.read())
        .trustedCertificates(ca).httpsPort(Integer.parseInt(args[0])).fileUploadBlockSize(Integer.parseInt(args[4]))
        .build();
    try {
      client.files().upload(args[2], () -> new GeneratedContent(length)).blockingSubscribe();
      Runtime rt = Runtime.getRuntime();
      System.out.println("uploaded " + length + " bytes with max heap " + rt.maxMemory());
    } finally {
      client.close();
    }
    System.exit(0);
  }
}
