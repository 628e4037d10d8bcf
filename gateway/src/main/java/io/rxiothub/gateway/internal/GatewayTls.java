// The downstream TLS listener's material: the configured PEM chain and key, or a CA and server certificate the
// gateway makes once and keeps in its data directory (so leaves go on trusting it across restarts).
package io.rxiothub.gateway.internal;

import java.io.IOException;
import java.io.OutputStream;
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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A server key and its certificate chain, and the CA leaves should trust. */
public final class GatewayTls {

  private static final SecureRandom RANDOM = new SecureRandom();
  /** The password of the key store handed to HiveMQ (a file in the broker's private work folder). */
  static final String STORE_PASSWORD = "rxiothub-gateway";

  private final PrivateKey key;
  private final List<X509Certificate> chain;

  private GatewayTls(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = List.copyOf(chain);
  }

  /** Reads a PEM certificate chain (server first) and a PEM private key. */
  public static GatewayTls read(Path certificateFile, Path keyFile) {
    List<X509Certificate> chain = new ArrayList<>();
    PrivateKey key = null;
    try {
      for (Object o : pemObjects(certificateFile)) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
      }
      for (Object o : pemObjects(keyFile)) {
        if (o instanceof PEMKeyPair pair) {
          key = new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
        } else if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
          key = new JcaPEMKeyConverter().getPrivateKey(info);
        }
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot read the TLS certificate or key (" + certificateFile + ", "
          + keyFile + "): " + e.getClass().getSimpleName(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("no PEM certificate in " + certificateFile);
    }
    if (key == null) {
      throw new IllegalArgumentException("no PEM private key (PKCS#8 or EC/RSA key pair) in " + keyFile);
    }
    return new GatewayTls(key, chain);
  }

  /**
   * Returns the material kept in {@code directory} ({@code gateway-ca.pem}, {@code gateway-server.pem},
   * {@code gateway-server-key.pem}), making it first if it is missing or does not name {@code hostName}.
   */
  public static GatewayTls generated(Path directory, String hostName, Instant now) {
    Path cert = directory.resolve("gateway-server.pem");
    Path keyFile = directory.resolve("gateway-server-key.pem");
    Path caFile = directory.resolve("gateway-ca.pem");
    try {
      if (Files.isRegularFile(cert) && Files.isRegularFile(keyFile) && Files.isRegularFile(caFile)) {
        try {
          GatewayTls existing = read(cert, keyFile);
          if (existing.names(hostName) && existing.chain.get(0).getNotAfter().toInstant().isAfter(now)) {
            return existing;
          }
        } catch (IllegalArgumentException e) {
          // unreadable: made again below (leaves must then trust the new CA)
        }
      }
      Files.createDirectories(directory);
      GatewayTls made = make(hostName, now);
      Files.writeString(caFile, pem(made.chain.get(made.chain.size() - 1)), StandardCharsets.US_ASCII);
      Files.writeString(cert, pem(made.chain.toArray()), StandardCharsets.US_ASCII);
      Files.writeString(keyFile, pem(pkcs8(made.key)), StandardCharsets.US_ASCII);
      keyFile.toFile().setReadable(false, false);
      keyFile.toFile().setReadable(true, true);
      return made;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the gateway's TLS material to " + directory, e);
    }
  }

  private boolean names(String hostName) {
    try {
      var names = chain.get(0).getSubjectAlternativeNames();
      if (names == null) {
        return false;
      }
      for (List<?> name : names) {
        if (hostName.equalsIgnoreCase(String.valueOf(name.get(1)))) {
          return true;
        }
      }
      return false;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static GatewayTls make(String hostName, Instant now) {
    try {
      KeyPair caPair = keyPair();
      X500Name caName = new X500Name("CN=rxiothub gateway CA " + Long.toHexString(RANDOM.nextLong()));
      JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, serial(),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), caName,
          caPair.getPublic());
      ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate caCert = sign(ca, caPair.getPrivate());
      KeyPair serverPair = keyPair();
      JcaX509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCert, serial(),
          Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))),
          new X500Name("CN=" + hostName), serverPair.getPublic());
      Set<String> dns = new LinkedHashSet<>(List.of(hostName, "localhost"));
      List<GeneralName> names = new ArrayList<>();
      for (String name : dns) {
        names.add(new GeneralName(isIp(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
      }
      names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
      server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      server.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
      server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      return new GatewayTls(serverPair.getPrivate(), List.of(sign(server, caPair.getPrivate()), caCert));
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make the gateway's TLS certificate", e);
    }
  }

  private static boolean isIp(String name) {
    return name.matches("[0-9.]+") || name.contains(":");
  }

  /** The CA certificate leaves should trust (the last of the chain), as PEM. */
  public String caCertificatePem() {
    return pem(chain.get(chain.size() - 1));
  }

  /** Writes a PKCS12 key store holding the key and chain, for HiveMQ's TLS listener. */
  public void writeKeyStore(Path file) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("gateway", key, STORE_PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, STORE_PASSWORD.toCharArray());
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot write the TLS listener's key store", e);
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static BigInteger serial() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }

  private static Object pkcs8(PrivateKey key) {
    try {
      return new JcaPKCS8Generator(key, null).generate();
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException("cannot encode the TLS key", e);
    }
  }

  private static List<Object> pemObjects(Path file) throws IOException {
    List<Object> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        out.add(o);
      }
    }
    return out;
  }

  private static String pem(Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      for (Object o : objects) {
        writer.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

}
