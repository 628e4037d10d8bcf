// The data dir store: TLS material issued, kept and reissued by the time passed in; the CA file; temporary folders.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {

  private static final Set<String> NAMES = Set.of("localhost", "hub.localhost");
  private static final Instant T2030 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void issuesTheServerCertificateAtTheTimePassedIn() {
    try (DataDir store = DataDir.open(null)) {
      TlsMaterial tls = store.tls(null, NAMES, T2030);
      assertThat(tls.serverCertificate().getNotBefore().toInstant()).isEqualTo(T2030.minus(Duration.ofDays(1)));
      assertThat(tls.serverCertificate().getNotAfter().toInstant()).isEqualTo(T2030.plus(Duration.ofDays(825)));
    }
  }

  @Test
  void keepsStoredMaterialWhileValidAndReissuesItWhenTheTimePassedInNearsItsExpiry(@TempDir Path dir)
      throws Exception {
    TlsMaterial first;
    try (DataDir store = DataDir.open(dir)) {
      first = store.tls(null, NAMES, T2030);
    }
    assertThat(Files.readString(dir.resolve("hub-emulator-ca.pem"))).isEqualTo(first.caCertificatePem());
    try (DataDir store = DataDir.open(dir)) {
      TlsMaterial kept = store.tls(null, NAMES, T2030.plus(Duration.ofDays(800)));
      assertThat(kept.serverCertificate()).isEqualTo(first.serverCertificate());
    }
    Instant later = T2030.plus(Duration.ofDays(824));
    try (DataDir store = DataDir.open(dir)) {
      TlsMaterial reissued = store.tls(null, NAMES, later);
      assertThat(reissued.caCertificate()).isEqualTo(first.caCertificate());
      assertThat(reissued.serverCertificate().getNotBefore().toInstant()).isEqualTo(later.minus(Duration.ofDays(1)));
    }
  }

  @Test
  void withoutADataDirTheCaFileLivesInATemporaryFolderDeletedOnClose() {
    Path caFile;
    try (DataDir store = DataDir.open(null)) {
      store.tls(null, NAMES, T2030);
      caFile = store.caFile();
      assertThat(caFile).exists();
    }
    assertThat(caFile).doesNotExist();
    assertThat(caFile.getParent()).doesNotExist();
  }
}
