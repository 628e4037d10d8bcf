// The builder's clock reaches the TLS material: the emulator's CA is issued at the clock's now, not the machine's.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TlsClockTest {

  @Test
  void aClockIn2030GivesACaCertificateValidFromThen() throws Exception {
    Instant now = Instant.parse("2030-03-01T10:00:00Z");
    try (HubEmulator hub = HubEmulator.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).build()) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
          new ByteArrayInputStream(hub.caCertificatePem().getBytes(StandardCharsets.US_ASCII)));
      assertThat(ca.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofDays(1)));
      assertThat(ca.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(3650)));
    }
  }
}
