// What `HubEmulatorMain` prints when it starts, read by the tests that run it in a child JVM.
package io.rxiothub.emulator;

import io.rxiothub.testing.ChildJvm;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;

/** The banner's lines up to "Press Ctrl-C", looked up by their labels. */
final class EmulatorBanner {

  private final List<String> lines;

  private EmulatorBanner(List<String> lines) {
    this.lines = lines;
  }

  /** Reads {@code child}'s banner (fails with its output if it ends first or takes longer than {@code timeout}). */
  static EmulatorBanner read(ChildJvm child, Duration timeout) throws InterruptedException {
    return new EmulatorBanner(child.linesUntil("Press Ctrl-C", timeout));
  }

  /** The rest of the line labelled {@code label} ("  label   value"). */
  String value(String label) {
    return lines.get(indexOf(label)).trim().substring(label.length()).trim();
  }

  /** The line after the one labelled {@code label} (the connection strings are printed on a line of their own). */
  String lineAfter(String label) {
    return lines.get(indexOf(label) + 1).trim();
  }

  private int indexOf(String label) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().startsWith(label)) {
        return i;
      }
    }
    throw new AssertionError("no line '" + label + "' in:\n" + String.join("\n", lines));
  }

  /** A trust manager factory trusting only the CA certificate in {@code caPem}. */
  static TrustManagerFactory trusting(Path caPem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      trust.setCertificateEntry("emulator-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    return factory;
  }
}
