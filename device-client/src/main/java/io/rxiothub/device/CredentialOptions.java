// The identity, TLS and token options of a client builder: connection string, trust, client certificate, proxy, SAS.
package io.rxiothub.device;

import io.rxiothub.device.internal.ClientSettings;
import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.IotHubIds;
import io.rxiothub.transport.internal.PemCredentials;
import io.rxiothub.transport.internal.TrustFactories;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The options that say who a client is and how it proves it and trusts its server; the rest of the options are
 * {@link ClientBuilder}'s, which extends this class. Setters validate at once and throw
 * {@link IllegalArgumentException} naming the option and the rule.
 *
 * @param <B> the concrete builder
 */
abstract class CredentialOptions<B extends CredentialOptions<B>> {

  /** What this builder was told, by name; {@code build()} hands it to the internal factory. */
  final ClientSettings.Builder settings = ClientSettings.builder();

  CredentialOptions() {}

  abstract B self();

  /**
   * Sets the identity and credentials from a connection string (protocol.md §1).
   *
   * @throws IllegalArgumentException if it does not parse, or an id contains {@code +} or
   *     {@code #} (MQTT 3.1.1 §4.7: such ids cannot appear in topics, so they cannot use MQTT)
   */
  public B connectionString(String connectionString) {
    if (connectionString == null) {
      throw new IllegalArgumentException("connectionString must not be null");
    }
    return connectionString(ConnectionString.parse(connectionString));
  }

  /**
   * Sets the identity and credentials; build one from parts with {@code ConnectionString.builder()}.
   *
   * @throws IllegalArgumentException if an id contains {@code +} or {@code #}
   */
  public B connectionString(ConnectionString connectionString) {
    if (connectionString == null) {
      throw new IllegalArgumentException("connectionString must not be null");
    }
    checkMqttSafe("DeviceId", connectionString.deviceId());
    String moduleId = connectionString.moduleId();
    if (moduleId != null) {
      checkMqttSafe("ModuleId", moduleId);
    }
    settings.connectionString(connectionString);
    return self();
  }

  private static void checkMqttSafe(String field, String id) {
    if (!IotHubIds.isMqttSafe(id)) {
      throw new IllegalArgumentException(field + " '" + id + "' contains '+' or '#': MQTT topics "
          + "cannot carry these characters (MQTT 3.1.1 §4.7), so this identity cannot use MQTT; "
          + "use an id without them");
    }
  }

  /**
   * Sets whom the client trusts as the hub's TLS server (default: the JVM's trust store), e.g. a
   * factory initialised from a custom trust store or the Android KeyStore. Hostname verification
   * stays on whatever trust is used. Replaces an earlier {@code trustStore} or
   * {@code trustedCertificates}.
   *
   * <p>There is no {@code sslContext(SSLContext)} option: the HiveMQ MQTT client 1.3, on which this
   * SDK is built, makes its own TLS context from a key manager factory and a trust manager factory
   * ({@code MqttClientSslConfig}), and an {@code SSLContext} cannot give its managers back. Pass the
   * factories your {@code SSLContext} was built from:
   * <pre>{@code
   * // instead of sslContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null):
   * builder.trustManagerFactory(tmf)
   *     .keyManagerFactory(kmf);   // only for X.509 client-certificate authentication
   * }</pre>
   *
   * @throws IllegalArgumentException if null
   */
  public B trustManagerFactory(TrustManagerFactory trustManagerFactory) {
    if (trustManagerFactory == null) {
      throw new IllegalArgumentException("trustManagerFactory must not be null");
    }
    settings.trustManagerFactory(trustManagerFactory);
    return self();
  }

  /**
   * Trusts exactly the certificates of {@code trustStore} as the hub's TLS server (a custom trust
   * store, e.g. the hub emulator's).
   *
   * @throws IllegalArgumentException if the platform cannot use the store
   */
  public B trustStore(KeyStore trustStore) {
    if (trustStore == null) {
      throw new IllegalArgumentException("trustStore must not be null");
    }
    try {
      // A store of the same certificates gives the same factory: such clients share a TLS context.
      settings.trustManagerFactory(TrustFactories.forStore(trustStore));
    } catch (Exception e) {
      throw new IllegalArgumentException("trustStore: the platform cannot use it: " + e, e);
    }
    return self();
  }

  /**
   * Trusts exactly the given certificate authorities as the hub's TLS server (a custom trust store).
   *
   * @throws IllegalArgumentException if none is given or the platform cannot build a trust store
   */
  public B trustedCertificates(X509Certificate... certificates) {
    if (certificates == null || certificates.length == 0) {
      throw new IllegalArgumentException("trustedCertificates needs at least one certificate");
    }
    for (X509Certificate certificate : certificates) {
      if (certificate == null) {
        throw new IllegalArgumentException("trustedCertificates must not contain null");
      }
    }
    try {
      // The same certificates give the same factory: such clients share one TLS context.
      settings.trustManagerFactory(TrustFactories.forCertificates(certificates));
    } catch (Exception e) {
      throw new IllegalArgumentException("trustedCertificates: could not build a trust store: " + e,
          e);
    }
    return self();
  }

  /**
   * Authenticates with an X.509 client certificate (connection string with {@code x509=true}):
   * {@code privateKey} and its certificate chain, leaf first. One of the three client-certificate
   * options; see {@link #keyManagerFactory(KeyManagerFactory)} for how they combine.
   *
   * @throws IllegalArgumentException if the chain is empty or the platform refuses the key
   */
  public B clientCertificate(PrivateKey privateKey, X509Certificate... chain) {
    return clientCertificateFrom("clientCertificate",
        PemCredentials.keyManagerFactory(privateKey, chain));
  }

  /**
   * Authenticates with an X.509 client certificate given as PEM text: the certificate chain (leaf
   * first) and the private key (PKCS#8, or PKCS#1 / SEC1 unencrypted), parsed with BouncyCastle.
   * One of the three client-certificate options; see {@link #keyManagerFactory(KeyManagerFactory)}
   * for how they combine.
   *
   * @throws IllegalArgumentException naming what could not be parsed (never the key itself)
   */
  public B clientCertificatePem(String certificateChainPem, String privateKeyPem) {
    return clientCertificateFrom("clientCertificatePem",
        PemCredentials.keyManagerFactory(certificateChainPem, privateKeyPem));
  }

  /**
   * Authenticates with the X.509 client certificate that {@code keyManagerFactory} presents, from
   * any key source: a PKCS#12 file, a PKCS#11 token or HSM, the Android KeyStore. The private key
   * stays with the factory; the SDK never sees it. The connection string must say
   * {@code x509=true}. From a PKCS#12 file:
   * <pre>{@code
   * KeyStore p12 = KeyStore.getInstance("PKCS12");
   * p12.load(in, password);
   * KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
   * kmf.init(p12, password);
   * DeviceClient.builder().connectionString("HostName=…;DeviceId=…;x509=true")
   *     .keyManagerFactory(kmf).build();
   * }</pre>
   *
   * <p>How the options combine: the client certificate comes from exactly one of
   * {@code keyManagerFactory}, {@code clientCertificate} and {@code clientCertificatePem}. Setting
   * two of them makes {@code build()} throw {@link IllegalStateException} naming both (there is no
   * silent "last one wins" between key sources); calling the same option again replaces its earlier
   * value. A client certificate with a connection string that carries a {@code SharedAccessKey} or
   * {@code SharedAccessSignature} also makes {@code build()} throw: a client is either an X.509
   * client (no password in CONNECT) or a SAS one, never both.
   *
   * <p>A certificate the server refuses during the TLS handshake (e.g. from an issuer it does not trust) makes {@code connect()} fail with
   * {@link IotHubConnectionException} caused by an {@code SSLException}; one that IoT Hub accepts
   * in TLS but does not match the device (unregistered, wrong thumbprint or CN) is refused with
   * {@link IotHubConnectionRefusedException} (CONNACK 5), which is never retried.
   *
   * <p>There is no {@code sslContext(SSLContext)} option: the HiveMQ MQTT client 1.3 makes its TLS
   * context from key and trust manager factories ({@code MqttClientSslConfig}); pass the factories
   * your {@code SSLContext} was built from (see {@link #trustManagerFactory(TrustManagerFactory)}).
   *
   * @throws IllegalArgumentException if null
   */
  public B keyManagerFactory(KeyManagerFactory keyManagerFactory) {
    if (keyManagerFactory == null) {
      throw new IllegalArgumentException("keyManagerFactory must not be null");
    }
    return clientCertificateFrom("keyManagerFactory", keyManagerFactory);
  }

  private B clientCertificateFrom(String option, KeyManagerFactory factory) {
    settings.clientCertificate(option, factory);
    return self();
  }

  /**
   * Goes through an HTTP proxy (CONNECT). Only with {@link Transport#MQTT_WS}.
   *
   * @throws IllegalArgumentException if the host is empty or the port outside 1..65535
   */
  public B httpProxy(String host, int port) {
    return httpProxy(host, port, null, null);
  }

  /**
   * Goes through an HTTP proxy that needs basic authentication. Only with {@link Transport#MQTT_WS}.
   *
   * @throws IllegalArgumentException if the host is empty or the port outside 1..65535
   */
  public B httpProxy(String host, int port, @Nullable String username, @Nullable String password) {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("httpProxy host must not be empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("httpProxy port must be in 1..65535, got " + port);
    }
    settings.proxyHost(host);
    settings.proxyPort(port);
    settings.proxyUser(username);
    settings.proxyPassword(password);
    return self();
  }

  /**
   * Sets the lifetime of the SAS tokens the client makes from a key (default 3600 s).
   *
   * @throws IllegalArgumentException unless ≥ 1
   */
  public B sasTokenTimeToLiveSeconds(long seconds) {
    if (seconds < 1) {
      throw new IllegalArgumentException("sasTokenTimeToLiveSeconds must be >= 1, got " + seconds);
    }
    settings.sasTokenTimeToLiveSeconds(seconds);
    return self();
  }

  /**
   * Takes every SAS token from {@code source} (a key in an HSM, a TPM, a token server) instead of the connection
   * string: asked before each connection attempt and at each renewal time, never logged. The connection string
   * then names the identity with {@code SharedAccessSignature=} (any token of it, which is not sent).
   *
   * @throws IllegalArgumentException if {@code source} is null
   */
  public B sasTokenSource(SasTokenSource source) {
    if (source == null) {
      throw new IllegalArgumentException("source must not be null");
    }
    settings.sasTokenSource(source);
    return self();
  }

  /**
   * Sets how early, as a fraction of the lifetime, tokens are renewed (default 0.15: at 85 %).
   *
   * @throws IllegalArgumentException unless {@code 0 < margin < 1}
   */
  public B sasTokenRenewalMargin(double margin) {
    if (!(margin > 0 && margin < 1)) {
      throw new IllegalArgumentException("sasTokenRenewalMargin must be in (0, 1), got " + margin);
    }
    settings.sasTokenRenewalMargin(margin);
    return self();
  }
}
