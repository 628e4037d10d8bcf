// Turns an X.509 client certificate and key (objects or PEM text) into a KeyManagerFactory for TLS.
package io.rxiothub.transport.internal;

import java.io.StringReader;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** X.509 client authentication material; errors never include key material. */
public final class PemCredentials {

  private PemCredentials() {}

  /**
   * Returns a key manager presenting {@code chain} (leaf first) with {@code key}.
   *
   * @throws IllegalArgumentException if the chain is empty or the platform refuses the key
   */
  public static KeyManagerFactory keyManagerFactory(PrivateKey key, X509Certificate... chain) {
    if (key == null || chain == null || chain.length == 0) {
      throw new IllegalArgumentException("clientCertificate needs a private key and at least one "
          + "certificate (leaf first)");
    }
    try {
      char[] password = new char[0];
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setKeyEntry("device", key, password, chain.clone());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      return kmf;
    } catch (Exception e) {
      throw new IllegalArgumentException("clientCertificate: the platform refused the key or "
          + "certificate (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Returns a key manager from PEM text: {@code certificateChainPem} holds one or more
   * {@code CERTIFICATE} blocks (leaf first), {@code privateKeyPem} a {@code PRIVATE KEY},
   * {@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY} block (unencrypted).
   *
   * @throws IllegalArgumentException naming the part that could not be read
   */
  public static KeyManagerFactory keyManagerFactory(String certificateChainPem,
      String privateKeyPem) {
    if (certificateChainPem == null || privateKeyPem == null) {
      throw new IllegalArgumentException("clientCertificatePem needs the certificate chain and the "
          + "private key");
    }
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(certificateChainPem))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof X509CertificateHolder) {
          chain.add(certificates.getCertificate((X509CertificateHolder) o));
        }
      }
    } catch (Exception e) {
      throw new IllegalArgumentException("clientCertificatePem: the certificate chain is not valid "
          + "PEM (" + e.getClass().getSimpleName() + ")", e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("clientCertificatePem: no CERTIFICATE block found in the "
          + "certificate chain");
    }
    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(privateKeyPem))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair) {
        key = keys.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
      } else if (o instanceof PrivateKeyInfo) {
        key = keys.getPrivateKey((PrivateKeyInfo) o);
      } else {
        throw new IllegalArgumentException("clientCertificatePem: expected an unencrypted PRIVATE "
            + "KEY, RSA PRIVATE KEY or EC PRIVATE KEY block");
      }
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("clientCertificatePem: the private key is not valid PEM ("
          + e.getClass().getSimpleName() + ")", e);
    }
    List<Certificate> list = new ArrayList<>(chain);
    return keyManagerFactory(key, list.toArray(new X509Certificate[0]));
  }
}
