// Throw-away EC keys and X.509 certificates for the tests that run their own TLS brokers.
package io.rxiothub.device;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and certificates valid from a minute ago for a day. */
public final class TestCertificates {

  private TestCertificates() {}

  /** A fresh P-256 key pair. */
  public static KeyPair keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  /**
   * A certificate for {@code subject} signed by {@code issuerKeys}; {@code names} become its subject alternative
   * names (IPv4 addresses as IP names, anything else as DNS names), none when empty.
   */
  public static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer,
      KeyPair issuerKeys, boolean authority, String... names) throws Exception {
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
        BigInteger.valueOf(System.nanoTime()), new Date(System.currentTimeMillis() - 60_000),
        new Date(System.currentTimeMillis() + 86_400_000L), new X500Name(subject),
        subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
    if (names.length > 0) {
      GeneralName[] altNames = new GeneralName[names.length];
      for (int i = 0; i < names.length; i++) {
        boolean ip = names[i].matches("[0-9.]+");
        altNames[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, names[i]);
      }
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altNames));
    }
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
  }
}
