// The emulator's TLS identity: a CA and a server certificate made with BouncyCastle, or loaded from PEM files.
package io.rxiothub.emulator.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A CA certificate plus a server key and certificate chain, and the JDK contexts built from them. */
public final class TlsMaterial {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] STORE_PASSWORD = "rxiothub".toCharArray();

  private final X509Certificate caCertificate;
  private final PrivateKey caKey;
  private final X509Certificate serverCertificate;
  private final PrivateKey serverKey;

  private TlsMaterial(X509Certificate caCertificate, PrivateKey caKey, X509Certificate serverCertificate,
      PrivateKey serverKey) {
    this.caCertificate = caCertificate;
    this.caKey = caKey;
    this.serverCertificate = serverCertificate;
    this.serverKey = serverKey;
  }

  /** Creates a fresh EC P-256 CA and a server certificate whose SANs are the given DNS names and IPs. */
  public static TlsMaterial generate(Set<String> dnsNames, Set<String> ipAddresses, Instant now) {
    try {
      KeyPair caPair = newKeyPair();
      X500Name caName = new X500Name("CN=rxiothub hub emulator CA " + Long.toHexString(RANDOM.nextLong()));
      X509Certificate ca = caCertificate(caName, caPair, now);
      return withNewServerCertificate(ca, caPair.getPrivate(), dnsNames, ipAddresses, now);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create the emulator's TLS certificates", e);
    }
  }

  /** Keeps this CA and issues a new server certificate for the given names (used when names change). */
  public TlsMaterial reissue(Set<String> dnsNames, Set<String> ipAddresses, Instant now) {
    try {
      return withNewServerCertificate(caCertificate, caKey, dnsNames, ipAddresses, now);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot create the emulator's server certificate", e);
    }
  }

  private static TlsMaterial withNewServerCertificate(X509Certificate ca, PrivateKey caKey, Set<String> dnsNames,
      Set<String> ipAddresses, Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    KeyPair serverPair = newKeyPair();
    String cn = dnsNames.isEmpty() ? "localhost" : dnsNames.iterator().next();
    X509Certificate server = serverCertificate(ca, caKey, new X500Name("CN=" + cn), serverPair, dnsNames,
        ipAddresses, now);
    return new TlsMaterial(ca, caKey, server, serverPair.getPrivate());
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate caCertificate(X500Name name, KeyPair pair, Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
        pair.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
    return sign(builder, pair.getPrivate());
  }

  private static X509Certificate serverCertificate(X509Certificate ca, PrivateKey caKey, X500Name subject,
      KeyPair pair, Set<String> dnsNames, Set<String> ipAddresses, Instant now)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(),
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))), subject,
        pair.getPublic());
    List<GeneralName> names = new ArrayList<>();
    for (String dns : dnsNames) {
      names.add(new GeneralName(GeneralName.dNSName, dns));
    }
    for (String ip : ipAddresses) {
      names.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(names.toArray(new GeneralName[0])));
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    builder.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
    builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
    return sign(builder, caKey);
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  /** Reads material written by {@link #write(Path)}; the file holds the CA certificate, CA key, server certificate, server key. */
  public static TlsMaterial read(Path file) {
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
      JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
      JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
      List<X509Certificate> certificates = new ArrayList<>();
      List<PrivateKey> privateKeys = new ArrayList<>();
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof X509CertificateHolder) {
          certificates.add(certs.getCertificate((X509CertificateHolder) item));
        } else if (item instanceof PEMKeyPair) {
          privateKeys.add(keys.getPrivateKey(((PEMKeyPair) item).getPrivateKeyInfo()));
        } else if (item instanceof PrivateKeyInfo) {
          privateKeys.add(keys.getPrivateKey((PrivateKeyInfo) item));
        }
      }
      if (certificates.size() != 2 || privateKeys.size() != 2) {
        throw new IllegalArgumentException("TLS material file " + file
            + " must hold 2 certificates (CA, server) and 2 private keys (CA, server)");
      }
      return new TlsMaterial(certificates.get(0), privateKeys.get(0), certificates.get(1), privateKeys.get(1));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read TLS material file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes CA certificate, CA key, server certificate and server key as PEM (the keys are secrets: file only). */
  public void write(Path file) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(caCertificate);
      writer.writeObject(new JcaPKCS8Generator(caKey, null));
      writer.writeObject(serverCertificate);
      writer.writeObject(new JcaPKCS8Generator(serverKey, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
      restrictToOwner(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TLS material to " + file, e);
    }
  }

  /** Makes a file holding secrets readable by its owner only, where the file system supports it. */
  public static void restrictToOwner(Path file) {
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: leave the defaults.
    }
  }

  /** Whether the server certificate covers every given DNS name and IP address and is valid past {@code now} + 1 day. */
  public boolean covers(Set<String> dnsNames, Set<String> ipAddresses, Instant now) {
    try {
      Set<String> present = new LinkedHashSet<>();
      if (serverCertificate.getSubjectAlternativeNames() != null) {
        for (List<?> entry : serverCertificate.getSubjectAlternativeNames()) {
          present.add(String.valueOf(entry.get(1)));
        }
      }
      return present.containsAll(dnsNames) && present.containsAll(ipAddresses)
          && serverCertificate.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(1)));
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The CA certificate. */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /** The server certificate. */
  public X509Certificate serverCertificate() {
    return serverCertificate;
  }

  /** The server's private key. */
  public PrivateKey serverKey() {
    return serverKey;
  }

  /** The CA certificate as PEM text. */
  public String caCertificatePem() {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(caCertificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** A key store (PKCS12, password {@code rxiothub}) trusting only the CA. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("rxiothub-hub-emulator-ca", caCertificate);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the trust store", e);
    }
  }

  /** A client SSLContext that trusts the CA. */
  public SSLContext clientContext() {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), RANDOM);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the client SSLContext", e);
    }
  }

  /** A key manager factory holding the server key and its chain (server certificate, CA). */
  public KeyManagerFactory keyManagerFactory() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", serverKey, STORE_PASSWORD,
          new X509Certificate[] {serverCertificate, caCertificate});
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, STORE_PASSWORD);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the server key manager", e);
    }
  }
}
