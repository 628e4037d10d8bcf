// TLS contexts shared by the connections of the clients that trust the same issuers and have no certificate.
package io.rxiothub.transport.internal.hivemq;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Builds the Netty TLS context of an endpoint exactly as the HiveMQ client would (same factories,
 * TLS 1.3 and 1.2, HTTPS host name verification), and shares it: every client with the JVM's trust,
 * or with the same {@link TrustManagerFactory} instance, and no client certificate uses one context
 * (one session cache; a new connection may resume a session of another client, which only skips the
 * server's certificate chain: the hub still checks each device's SAS token). A client with a
 * certificate always gets its own context, so that a session authenticated with one device's
 * certificate is never resumed by another device.
 */
final class TlsContexts {

  /**
   * Sessions a context keeps. The JDK's default keeps up to 20,480 for a day, one per connection,
   * even after it closed (about 1.8 KB each with the emulator's session tickets, see
   * benchmarks/RESULTS.md); a client resumes only the newest session to its host and port, so a
   * few dozen cover every hub a JVM talks to.
   */
  static final int SESSION_CACHE_SIZE = 64;

  /** The protocols a client offers unless its endpoint says otherwise. */
  public static final List<String> DEFAULT_PROTOCOLS =
      Collections.unmodifiableList(Arrays.asList("TLSv1.3", "TLSv1.2"));

  /**
   * Keyed by trust factory, weakly: a factory the application dropped takes its contexts along;
   * then by the protocols offered.
   */
  private static final Map<TrustManagerFactory, Map<List<String>, SslContext>> BY_TRUST =
      new WeakHashMap<>();
  private static final Map<List<String>, SslContext> JVM_TRUST = new HashMap<>();

  private TlsContexts() {}

  /** Returns the context for this trust and key material, shared where that is safe. */
  static SslContext forEndpoint(@Nullable TrustManagerFactory trust,
      @Nullable KeyManagerFactory keys) throws SSLException {
    return forEndpoint(trust, keys, DEFAULT_PROTOCOLS);
  }

  /** As {@link #forEndpoint(TrustManagerFactory, KeyManagerFactory)}, offering {@code protocols}. */
  static SslContext forEndpoint(@Nullable TrustManagerFactory trust,
      @Nullable KeyManagerFactory keys, List<String> protocols) throws SSLException {
    if (keys != null) {
      return build(trust, keys, protocols);
    }
    synchronized (BY_TRUST) {
      Map<List<String>, SslContext> byProtocols = trust == null ? JVM_TRUST : BY_TRUST.get(trust);
      if (byProtocols == null) {
        byProtocols = new HashMap<>();
        BY_TRUST.put(trust, byProtocols);
      }
      SslContext context = byProtocols.get(protocols);
      if (context == null) {
        context = build(trust, null, protocols);
        byProtocols.put(protocols, context);
      }
      return context;
    }
  }

  static SslContext build(@Nullable TrustManagerFactory trust, @Nullable KeyManagerFactory keys)
      throws SSLException {
    return build(trust, keys, DEFAULT_PROTOCOLS);
  }

  static SslContext build(@Nullable TrustManagerFactory trust, @Nullable KeyManagerFactory keys,
      List<String> protocols) throws SSLException {
    return SslContextBuilder.forClient()
        .trustManager(trust)
        .keyManager(keys)
        .protocols(protocols)
        .ciphers(null, SupportedCipherSuiteFilter.INSTANCE)
        .endpointIdentificationAlgorithm("HTTPS")
        .sessionCacheSize(SESSION_CACHE_SIZE)
        .build();
  }
}
