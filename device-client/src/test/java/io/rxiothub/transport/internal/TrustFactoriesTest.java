package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.device.TestCertificates;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class TrustFactoriesTest {

  static X509Certificate ca(String name) throws Exception {
    KeyPair keys = TestCertificates.keys();
    return TestCertificates.certificate("CN=" + name, keys, "CN=" + name, keys, true);
  }

  static X509Certificate[] issuers(TrustManagerFactory factory) {
    return ((X509TrustManager) factory.getTrustManagers()[0]).getAcceptedIssuers();
  }

  @Test
  void equalCertificateListsGetTheSameFactoryThatTrustsExactlyThem() throws Exception {
    X509Certificate a = ca("trust-a");
    X509Certificate b = ca("trust-b");
    TrustManagerFactory ab = TrustFactories.forCertificates(a, b);
    // Equal by encoding, not by identity: a decoded copy of the same certificates.
    X509Certificate aCopy = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(a.getEncoded()));
    assertThat(TrustFactories.forCertificates(aCopy, b)).isSameAs(ab);
    assertThat(issuers(ab)).containsExactlyInAnyOrder(a, b);
    TrustManagerFactory onlyA = TrustFactories.forCertificates(a);
    assertThat(onlyA).isNotSameAs(ab);
    assertThat(issuers(onlyA)).containsExactly(a);
  }

  @Test
  void aStoreOfCertificatesSharesTheFactoryOfThoseCertificates() throws Exception {
    X509Certificate a = ca("store-a");
    X509Certificate b = ca("store-b");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("b", b);
    store.setCertificateEntry("a", a);
    TrustManagerFactory fromStore = TrustFactories.forStore(store);
    assertThat(issuers(fromStore)).containsExactlyInAnyOrder(a, b);
    KeyStore again = KeyStore.getInstance("PKCS12");
    again.load(null, null);
    again.setCertificateEntry("b", b);
    again.setCertificateEntry("a", a);
    assertThat(TrustFactories.forStore(again)).isSameAs(fromStore);
    // A store whose content changes afterwards does not change a factory already handed out.
    store.setCertificateEntry("c", ca("store-c"));
    assertThat(issuers(fromStore)).containsExactlyInAnyOrder(a, b);
    assertThat(issuers(TrustFactories.forStore(store))).hasSize(3);
  }

  @Test
  void anEmptyStoreGetsAFactoryOfItsOwn() throws Exception {
    KeyStore empty = KeyStore.getInstance("PKCS12");
    empty.load(null, null);
    assertThat(TrustFactories.forStore(empty)).isNotSameAs(TrustFactories.forStore(empty));
  }

  @Test
  void onlyTheMostRecentlyUsedSetsAreKept() throws Exception {
    X509Certificate first = ca("trust-first");
    TrustManagerFactory kept = TrustFactories.forCertificates(first);
    for (int i = 0; i < TrustFactories.MAX_SETS; i++) {
      TrustFactories.forCertificates(ca("trust-" + i));
    }
    assertThat(TrustFactories.forCertificates(first)).as("evicted, so built again").isNotSameAs(kept);
  }

  @Test
  void theCallersArrayIsCopied() throws Exception {
    X509Certificate a = ca("trust-copy-a");
    X509Certificate[] certificates = {a};
    TrustManagerFactory factory = TrustFactories.forCertificates(certificates);
    certificates[0] = ca("trust-copy-b");
    assertThat(TrustFactories.forCertificates(a)).isSameAs(factory);
  }
}
