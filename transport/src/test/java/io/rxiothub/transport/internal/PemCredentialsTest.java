// X.509 client credentials from PEM text (BouncyCastle), with errors that never echo the key.
package io.rxiothub.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class PemCredentialsTest {

  static String pem(Object o) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }

  static X509Certificate selfSigned(KeyPair pair, String algorithm) throws Exception {
    X500Name name = new X500Name("CN=dev1");
    return new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(name, BigInteger.ONE, new Date(),
            new Date(System.currentTimeMillis() + 86_400_000L), name, pair.getPublic())
            .build(new JcaContentSignerBuilder(algorithm).build(pair.getPrivate())));
  }

  static void assertPresents(KeyManagerFactory kmf, String keyType, X509Certificate cert,
      KeyPair pair) {
    X509KeyManager km = (X509KeyManager) kmf.getKeyManagers()[0];
    String alias = km.chooseClientAlias(new String[] {keyType}, null, null);
    assertThat(km.getCertificateChain(alias)).containsExactly(cert);
    assertThat(km.getPrivateKey(alias).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
  }

  @Test
  void pkcs8KeyAndCertificateFromPemBecomeTheTlsClientIdentity() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    KeyPair pair = generator.generateKeyPair();
    X509Certificate cert = selfSigned(pair, "SHA256withECDSA");
    String keyPem = pem(new JcaPKCS8Generator(pair.getPrivate(), null));
    assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----");
    assertPresents(PemCredentials.keyManagerFactory(pem(cert), keyPem), "EC", cert, pair);
  }

  @Test
  void pkcs1RsaKeyFromPemIsAccepted() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair pair = generator.generateKeyPair();
    X509Certificate cert = selfSigned(pair, "SHA256withRSA");
    String keyPem = pem(pair);
    assertThat(keyPem).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertPresents(PemCredentials.keyManagerFactory(pem(cert), keyPem), "RSA", cert, pair);
  }

  @Test
  void unreadablePemIsRejectedWithoutEchoingIt() {
    String secret = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n";
    assertThatThrownBy(() -> PemCredentials.keyManagerFactory("no pem here", secret))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CERTIFICATE");
    assertThatThrownBy(() -> PemCredentials.keyManagerFactory(
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", secret))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("c2VjcmV0");
  }
}
