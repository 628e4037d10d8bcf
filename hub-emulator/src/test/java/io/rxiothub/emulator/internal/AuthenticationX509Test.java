// X.509 CONNECT authentication at the hub (protocol.md §15.5) as a pure decision: the chain the TLS front held, the
// registry's thumbprints and CA certificates, and the time passed in.
package io.rxiothub.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.AuthenticationType;
import io.rxiothub.emulator.X509TestCertificates;
import io.rxiothub.sas.SasToken;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticationX509Test {

  private static final String HOST = "hub.localhost";
  private static final Instant NOW = Instant.now();
  private static final X509TestCertificates ROOT = X509TestCertificates.selfSigned("Test Root", true);
  private static final X509TestCertificates INTERMEDIATE = ROOT.issue("Test Intermediate", true);

  private final RegistryStore registry = new RegistryStore(HOST, identity -> { });
  private final ClientCertificates certificates = new ClientCertificates();
  private final Authentication auth = new Authentication(registry, clientId -> 0, certificates);

  private Authentication.Result connect(String clientId, X509Certificate... chain) {
    byte[] marker = certificates.hold(List.of(chain)).getBytes(StandardCharsets.UTF_8);
    return auth.authenticate(4, clientId, HOST + "/" + clientId + "/?api-version=2021-04-12", marker, null, NOW);
  }

  @Test
  void aSelfSignedDeviceConnectsWithTheCertificateOfItsPrimaryOrSecondaryThumbprint() {
    X509TestCertificates primary = X509TestCertificates.selfSigned("thermo", false);
    X509TestCertificates secondary = X509TestCertificates.selfSigned("thermo", false);
    registry.createX509("thermo", AuthenticationType.SELF_SIGNED, X509Check.sha1Thumbprint(primary.certificate()),
        X509Check.sha256Thumbprint(secondary.certificate()).toLowerCase());
    Authentication.Result result = connect("thermo", primary.certificate());
    assertThat(result.returnCode()).isZero();
    assertThat(result.tokenExpiry()).isEqualTo(primary.certificate().getNotAfter().getTime() / 1000);
    assertThat(connect("thermo", secondary.certificate()).returnCode()).isZero();
  }

  @Test
  void anotherCertificateIsRefusedWithCode5NamingItsThumbprints() {
    X509TestCertificates enrolled = X509TestCertificates.selfSigned("thermo", false);
    X509TestCertificates other = X509TestCertificates.selfSigned("thermo", false);
    registry.createX509("thermo", AuthenticationType.SELF_SIGNED, X509Check.sha256Thumbprint(enrolled.certificate()),
        null);
    Authentication.Result result = connect("thermo", other.certificate());
    assertThat(result.returnCode()).isEqualTo(5);
    assertThat(result.reason()).contains(X509Check.sha256Thumbprint(other.certificate()))
        .contains("is neither of identity 'thermo'");
  }

  @Test
  void aCaSignedDeviceConnectsWhenItsChainLeadsToARegisteredCaAndItsCnIsTheDeviceId() {
    registry.createX509("fleet-7", AuthenticationType.CERTIFICATE_AUTHORITY, null, null);
    X509TestCertificates leaf = INTERMEDIATE.issue("fleet-7", false);
    assertThat(connect("fleet-7", leaf.certificate(), INTERMEDIATE.certificate()).reason())
        .contains("no CA certificate is registered");
    registry.addCertificateAuthority(ROOT.certificate());
    assertThat(connect("fleet-7", leaf.certificate(), INTERMEDIATE.certificate()).returnCode()).isZero();
    assertThat(connect("fleet-7", leaf.certificate(), INTERMEDIATE.certificate(), ROOT.certificate()).returnCode())
        .isZero();
    assertThat(connect("fleet-7", leaf.certificate()).returnCode())
        .as("without the intermediate the chain does not reach the root").isEqualTo(5);
  }

  @Test
  void aRegisteredIntermediateIsATrustAnchorOfItsOwn() {
    registry.createX509("fleet-8", AuthenticationType.CERTIFICATE_AUTHORITY, null, null);
    registry.addCertificateAuthority(INTERMEDIATE.certificate());
    assertThat(connect("fleet-8", INTERMEDIATE.issue("fleet-8", false).certificate()).returnCode()).isZero();
  }

  @Test
  void aCaSignedCertificateForAnotherCnOrFromAnotherCaIsRefused() {
    registry.createX509("fleet-7", AuthenticationType.CERTIFICATE_AUTHORITY, null, null);
    registry.addCertificateAuthority(ROOT.certificate());
    Authentication.Result wrongCn = connect("fleet-7", ROOT.issue("fleet-8", false).certificate());
    assertThat(wrongCn.returnCode()).isEqualTo(5);
    assertThat(wrongCn.reason()).isEqualTo("the client certificate's CN 'fleet-8' is not the client id 'fleet-7'");
    X509TestCertificates stranger = X509TestCertificates.selfSigned("Other Root", true);
    Authentication.Result foreign = connect("fleet-7", stranger.issue("fleet-7", false).certificate());
    assertThat(foreign.returnCode()).isEqualTo(5);
    assertThat(foreign.reason()).contains("does not lead to a registered CA");
  }

  @Test
  void anExpiredCertificateIsRefusedEvenWithTheRightThumbprint() {
    X509TestCertificates old = ROOT.issue("thermo", false, NOW.minusSeconds(7200), NOW.minusSeconds(3600));
    registry.createX509("thermo", AuthenticationType.SELF_SIGNED, X509Check.sha256Thumbprint(old.certificate()),
        null);
    Authentication.Result result = connect("thermo", old.certificate());
    assertThat(result.returnCode()).isEqualTo(5);
    assertThat(result.reason()).startsWith("the client certificate expired at");
  }

  @Test
  void aSasDeviceIsRefusedACertificateAndAnX509DeviceASasToken() {
    registry.create("sas-dev", null, null, null);
    X509TestCertificates cert = X509TestCertificates.selfSigned("sas-dev", false);
    assertThat(connect("sas-dev", cert.certificate()).reason())
        .isEqualTo("identity 'sas-dev' authenticates with SAS tokens, not a client certificate");
    String x509Key = registry.createX509("x-dev", AuthenticationType.SELF_SIGNED,
        X509Check.sha256Thumbprint(cert.certificate()), null).primaryKey();
    byte[] token = SasToken.generate(HOST + "/devices/x-dev", x509Key, NOW.getEpochSecond() + 60, null).format()
        .getBytes(StandardCharsets.UTF_8);
    Authentication.Result result = auth.authenticate(4, "x-dev", HOST + "/x-dev/", token, null, NOW);
    assertThat(result.returnCode()).isEqualTo(5);
    assertThat(result.reason()).contains("authenticates with an X.509 certificate (selfSigned)");
  }

  @Test
  void aMarkerWorksOnceAndAForgedOneNever() {
    X509TestCertificates cert = X509TestCertificates.selfSigned("thermo", false);
    registry.createX509("thermo", AuthenticationType.SELF_SIGNED, X509Check.sha256Thumbprint(cert.certificate()),
        null);
    byte[] marker = certificates.hold(List.of(cert.certificate())).getBytes(StandardCharsets.UTF_8);
    String user = HOST + "/thermo/";
    assertThat(auth.authenticate(4, "thermo", user, marker, null, NOW).returnCode()).isZero();
    assertThat(auth.authenticate(4, "thermo", user, marker, null, NOW).reason())
        .startsWith("the client certificate marker is unknown");
    byte[] forged = (ClientCertificates.PREFIX + "00000000000000000000000000000000").getBytes(StandardCharsets.UTF_8);
    assertThat(auth.authenticate(4, "thermo", user, forged, null, NOW).returnCode()).isEqualTo(5);
    assertThat(certificates.pending()).isZero();
  }
}
