// One trust manager factory per set of trusted certificates, so that clients trusting the same issuers share TLS state.
package io.rxiothub.transport.internal;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Builds the trust manager factory for a list of trusted certificates (or a trust store holding
 * just certificates), and hands out the same factory for an equal list (certificates compare by
 * their encoding). The transport shares one TLS
 * context, and so one session cache, among the clients with the same factory and no client
 * certificate: 10,000 clients built with the same CA then cost one context, not 10,000. The most
 * recently used {@value #MAX_SETS} sets are kept.
 */
public final class TrustFactories {

  static final int MAX_SETS = 16;

  private static final Map<List<X509Certificate>, TrustManagerFactory> BY_CERTIFICATES =
      new LinkedHashMap<List<X509Certificate>, TrustManagerFactory>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(
            Map.Entry<List<X509Certificate>, TrustManagerFactory> eldest) {
          return size() > MAX_SETS;
        }
      };

  private TrustFactories() {}

  /**
   * Returns the factory trusting exactly {@code certificates} (the platform's default algorithm).
   *
   * @throws GeneralSecurityException if the platform cannot build it
   */
  public static TrustManagerFactory forCertificates(X509Certificate... certificates)
      throws GeneralSecurityException {
    List<X509Certificate> key = Arrays.asList(certificates.clone());
    synchronized (BY_CERTIFICATES) {
      TrustManagerFactory factory = BY_CERTIFICATES.get(key);
      if (factory == null) {
        factory = build(key);
        BY_CERTIFICATES.put(key, factory);
      }
      return factory;
    }
  }

  /**
   * Returns the factory for {@code store}: the shared one of its certificates when every entry is an
   * X.509 certificate or a key whose chain starts with one (the trust anchors the platform's PKIX
   * factory takes from such a store), else a factory of its own initialised with the store.
   *
   * @throws GeneralSecurityException if the platform cannot build it
   */
  public static TrustManagerFactory forStore(KeyStore store) throws GeneralSecurityException {
    List<X509Certificate> anchors = new ArrayList<>();
    boolean plain = true;
    for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements() && plain; ) {
      String alias = aliases.nextElement();
      Certificate certificate = store.isKeyEntry(alias) ? first(store.getCertificateChain(alias))
          : store.getCertificate(alias);
      if (certificate instanceof X509Certificate) {
        anchors.add((X509Certificate) certificate);
      } else {
        plain = false;
      }
    }
    if (plain && !anchors.isEmpty()) {
      return forCertificates(anchors.toArray(new X509Certificate[0]));
    }
    return factoryOf(store);
  }

  private static TrustManagerFactory factoryOf(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }

  private static @Nullable Certificate first(Certificate @Nullable [] chain) {
    return chain == null || chain.length == 0 ? null : chain[0];
  }

  private static TrustManagerFactory build(List<X509Certificate> certificates)
      throws GeneralSecurityException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        store.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      return factoryOf(store);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("could not create an empty key store", e);
    }
  }
}
