// Builds and connects the client of a command from its DeviceOptions, failing fast with one clear line.
package io.rxiothub.cli;

import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.ClientBuilder;
import io.rxiothub.device.ConnectionState;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.device.ModuleClient;
import io.rxiothub.device.Transport;
import io.rxiothub.cli.wire.WireTap;
import io.rxiothub.sas.ConnectionString;
import java.io.IOException;
import java.io.PrintWriter;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A connected device or module client, and the wire tap in front of it when {@code --wire} asked for one. The first
 * connection attempt decides: a refusal, a TLS failure or an unreachable host ends the command at once (the SDK
 * would keep retrying); later connection losses are retried by the SDK as usual.
 */
final class DeviceSession implements AutoCloseable {

  private final IotHubClient client;
  private final @Nullable WireTap tap;
  private final String endpoint;

  private DeviceSession(IotHubClient client, @Nullable WireTap tap, String endpoint) {
    this.client = client;
    this.tap = tap;
    this.endpoint = endpoint;
  }

  /** Connects; {@code customize} may set more builder options (it gets the builder as a ClientBuilder). */
  static DeviceSession connect(DeviceOptions options, PrintWriter err, Style style,
      Consumer<ClientBuilder<?>> customize) {
    return connect(options, err, style, customize, (client, endpoint) -> { });
  }

  /**
   * Connects, calling {@code beforeConnect} with the built client and its endpoint first: a command that receives subscribes there,
   * so that what the hub delivers right after CONNACK (a persistent session's queued messages) finds its subscriber.
   */
  static DeviceSession connect(DeviceOptions options, PrintWriter err, Style style,
      Consumer<ClientBuilder<?>> customize, java.util.function.BiConsumer<IotHubClient, String> beforeConnect) {
    if (options.edge) {
      return connectEdge(options, customize, beforeConnect);
    }
    ConnectionString cs = options.parsedConnectionString();
    X509Certificate[] trusted = options.trustedCertificates();
    if (options.connectTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--connect-timeout must be at least 1 second");
    }
    String host = cs.gatewayHostName() != null ? cs.gatewayHostName() : cs.hostName();
    String endpoint = host + ":" + options.effectivePort();
    WireTap tap = null;
    AtomicReference<@Nullable String> tapProblem = new AtomicReference<>();
    if (options.showWire()) {
      if (options.transport != Transport.MQTT) {
        throw new IllegalArgumentException("--wire and --verbose show packets of --transport MQTT only");
      }
      try {
        tap = WireTap.start(host, options.effectivePort(), sslContext(trusted), new WireTap.Listener() {
          @Override
          public void frame(io.rxiothub.cli.wire.WireFrame frame) {
            err.println(WireLines.format(frame, style));
            err.flush();
          }

          @Override
          public void event(String line) {
            if (line.contains("cannot reach")) {
              tapProblem.set(line);
            }
            err.println(style.dim(line));
            err.flush();
          }
        });
      } catch (IOException e) {
        throw new CliException(ExitCodes.FAILED, "cannot start the wire tap: " + e.getMessage(), e);
      }
      cs = cs.toBuilder().gatewayHostName("localhost").build();
    }
    ClientBuilder<?> builder = cs.isModule() ? ModuleClient.builder().connectionString(cs)
        : DeviceClient.builder().connectionString(cs);
    builder.transport(options.transport)
        .connectTimeoutMillis(options.connectTimeoutSeconds * 1000)
        .reconnectBackoff(100, 5_000)
        .productInfo("rxiothub-cli");
    if (tap != null) {
      builder.port(tap.port()).trustedCertificates(tap.certificate());
    } else {
      if (options.port != null) {
        builder.port(options.port);
      }
      if (trusted != null) {
        builder.trustedCertificates(trusted);
      }
    }
    customize.accept(builder);
    IotHubClient client = cs.isModule() ? ((ModuleClient.Builder) builder).build()
        : ((DeviceClient.Builder) builder).build();
    DeviceSession session = new DeviceSession(client, tap, endpoint);
    try {
      beforeConnect.accept(client, endpoint);
      session.awaitFirstConnection(options.connectTimeoutSeconds + 5);
    } catch (Throwable e) {
      session.close();
      String problem = tapProblem.get();
      Throwable cause = Failures.unwrap(e);
      if (problem != null && !(cause instanceof io.rxiothub.device.IotHubConnectionRefusedException)) {
        throw new CliException(ExitCodes.CONNECTION, problem + " (run without --wire for advice)", e);
      }
      throw Failures.connect(cause, endpoint, trusted != null);
    }
    return session;
  }

  /** --edge: identity, trust and tokens from the IOTEDGE_* variables (the workload API), no wire tap. */
  private static DeviceSession connectEdge(DeviceOptions options, Consumer<ClientBuilder<?>> customize,
      java.util.function.BiConsumer<IotHubClient, String> beforeConnect) {
    if (options.connectionString != null || options.caFile != null) {
      throw new IllegalArgumentException("--edge takes identity and trust from the IOTEDGE_* variables: drop -c and"
          + " --ca-file");
    }
    if (options.showWire()) {
      throw new IllegalArgumentException("--wire and --verbose cannot show the packets of an --edge module (its"
          + " trust is the workload API's bundle, which the wire tap cannot present)");
    }
    if (options.connectTimeoutSeconds < 1) {
      throw new IllegalArgumentException("--connect-timeout must be at least 1 second");
    }
    java.util.Map<String, String> env = DeviceOptions.environment.get();
    String gateway = env.get("IOTEDGE_GATEWAYHOSTNAME");
    String host = gateway == null || gateway.isBlank() ? env.get("IOTEDGE_IOTHUBHOSTNAME") : gateway;
    String endpoint = host + ":" + options.effectivePort();
    ModuleClient.Builder builder;
    try {
      builder = ModuleClient.builder().edgeEnvironment(env);
    } catch (IllegalStateException e) {
      throw new CliException(ExitCodes.CONNECTION, Failures.firstLine(e) + " (is the IoT Edge runtime, or"
          + " `rxiothub emulator`, running?)", e);
    }
    builder.transport(options.transport)
        .connectTimeoutMillis(options.connectTimeoutSeconds * 1000)
        .reconnectBackoff(100, 5_000)
        .productInfo("rxiothub-cli");
    if (options.port != null) {
      builder.port(options.port);
    }
    customize.accept(builder);
    DeviceSession session = new DeviceSession(builder.build(), null, endpoint);
    try {
      beforeConnect.accept(session.client, endpoint);
      session.awaitFirstConnection(options.connectTimeoutSeconds + 5);
    } catch (Throwable e) {
      session.close();
      throw Failures.connect(Failures.unwrap(e), endpoint, true);
    }
    return session;
  }

  private void awaitFirstConnection(long timeoutSeconds) throws Exception {
    CompletableFuture<Void> outcome = new CompletableFuture<>();
    Disposable states = client.connectionStates().subscribe(state -> {
      if (state.status() == ConnectionState.Status.CONNECTED) {
        outcome.complete(null);
      } else if (state.error() != null && state.reason() != ConnectionState.Reason.USER_CLOSE) {
        outcome.completeExceptionally(state.error());
      }
    });
    Disposable connecting = client.connect().subscribe(() -> outcome.complete(null), outcome::completeExceptionally);
    try {
      outcome.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      connecting.dispose();
      throw (Exception) (e.getCause() instanceof Exception ? e.getCause() : e);
    } catch (TimeoutException e) {
      connecting.dispose();
      throw new java.net.SocketTimeoutException("no connection within " + timeoutSeconds + " s");
    } finally {
      states.dispose();
    }
  }

  static SSLContext sslContext(X509Certificate @Nullable [] trusted) {
    try {
      if (trusted == null) {
        return SSLContext.getDefault();
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < trusted.length; i++) {
        store.setCertificateEntry("ca-" + i, trusted[i]);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a TLS context: " + e, e);
    }
  }

  IotHubClient client() {
    return client;
  }

  String endpoint() {
    return endpoint;
  }

  /** Disconnects (waiting for outstanding acknowledgements, bounded) and closes the client and the tap. */
  void disconnect() {
    try {
      client.disconnect().blockingAwait(10, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      // closing anyway
    }
    close();
  }

  @Override
  public void close() {
    client.close();
    if (tap != null) {
      tap.close();
    }
  }
}
