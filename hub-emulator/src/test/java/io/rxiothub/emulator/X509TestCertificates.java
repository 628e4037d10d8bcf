// Throw-away EC keys and X.509 certificates (BouncyCastle) for the emulator's X.509 tests: roots, intermediates,
// device certificates with a chosen CN and validity.
package io.rxiothub.emulator;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A key pair with its certificate; {@link #issue} signs others with it. */
public final class X509TestCertificates {

  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  private final KeyPair keys;
  private final X509Certificate certificate;

  private X509TestCertificates(KeyPair keys, X509Certificate certificate) {
    this.keys = keys;
    this.certificate = certificate;
  }

  /** A self-signed CA (or, with {@code authority} false, a self-signed device certificate) named {@code cn}. */
  public static X509TestCertificates selfSigned(String cn, boolean authority) {
    KeyPair keys = newKeys();
    return new X509TestCertificates(keys, sign(cn, keys, cn, keys.getPrivate(), authority,
        Instant.now().minusSeconds(60), Instant.now().plusSeconds(86_400)));
  }

  /** A certificate for {@code cn} issued by this one, valid from a minute ago for a day. */
  public X509TestCertificates issue(String cn, boolean authority) {
    return issue(cn, authority, Instant.now().minusSeconds(60), Instant.now().plusSeconds(86_400));
  }

  /** A certificate for {@code cn} issued by this one, valid from {@code notBefore} to {@code notAfter}. */
  public X509TestCertificates issue(String cn, boolean authority, Instant notBefore, Instant notAfter) {
    KeyPair subject = newKeys();
    return new X509TestCertificates(subject, sign(cn, subject, commonName(), keys.getPrivate(), authority,
        notBefore, notAfter));
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key. */
  public PrivateKey privateKey() {
    return keys.getPrivate();
  }

  /** A key manager factory presenting this key with {@code chain} (leaf first: this certificate, then others). */
  public KeyManagerFactory keyManagerFactory(X509Certificate... above) {
    try {
      X509Certificate[] chain = new X509Certificate[above.length + 1];
      chain[0] = certificate;
      System.arraycopy(above, 0, chain, 1, above.length);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("device", keys.getPrivate(), new char[0], chain);
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, new char[0]);
      return factory;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String commonName() {
    return certificate.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
  }

  private static KeyPair newKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(String cn, KeyPair subject, String issuerCn, PrivateKey issuerKey,
      boolean authority, Instant notBefore, Instant notAfter) {
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=" + issuerCn),
          BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
          new X500Name("CN=" + cn), subject.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(authority
          ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature : KeyUsage.digitalSignature));
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
