// The wire tap's TLS identity: a fresh self-signed certificate for localhost, trusted only by the tapped client.
package io.rxiothub.cli.wire;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed EC P-256 certificate for {@code localhost} and {@code 127.0.0.1}, valid for one day, made in
 * memory. The tap serves it; the client it taps trusts exactly it. The private key never leaves this object.
 */
public final class TapCertificate {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] PASSWORD = "wire-tap".toCharArray();

  private final X509Certificate certificate;
  private final SSLContext serverContext;

  private TapCertificate(X509Certificate certificate, SSLContext serverContext) {
    this.certificate = certificate;
    this.serverContext = serverContext;
  }

  /** Generates a new certificate and key. */
  public static TapCertificate generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      KeyPair pair = generator.generateKeyPair();
      X500Name name = new X500Name("CN=rxiothub wire tap " + Long.toHexString(RANDOM.nextLong()));
      long now = System.currentTimeMillis();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
          new BigInteger(64, RANDOM).add(BigInteger.ONE), new Date(now - 60_000), new Date(now + 86_400_000L),
          name, pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
      X509Certificate certificate = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("tap", pair.getPrivate(), PASSWORD, new X509Certificate[] {certificate});
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, RANDOM);
      return new TapCertificate(certificate, context);
    } catch (GeneralSecurityException | java.io.IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot create the wire tap's certificate: " + e, e);
    }
  }

  /** The certificate the tapped client must trust. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The server context that presents the certificate. */
  SSLContext serverContext() {
    return serverContext;
  }
}
