// The embedded HiveMQ extension of the gateway: CONNECT by LeafAuth, topics by LeafTopics, telemetry acknowledged
// only after the store's commit (an async interceptor holds the PUBACK), the rest handed to the leaf's relay.
package io.rxiothub.gateway.internal;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import com.hivemq.extension.sdk.api.services.publish.PublishService;
import com.hivemq.extension.sdk.api.services.publish.PublishToClientResult;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One instance per broker start; captures the broker's services at start so several brokers can coexist. */
public final class GatewayExtension implements ExtensionMain, Downstream {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayExtension.class);
  private static final String CONNECTION_ID = "rxiothub.gateway.connection-id";
  /** Set on a connection once the store refused one of its messages. */
  private static final String REFUSED = "rxiothub.gateway.refused";
  /** How long a leaf's PUBLISH may wait for the store before its connection is closed unacknowledged. */
  private static final Duration STORE_WAIT = Duration.ofSeconds(30);

  /** How long a first CONNECT of a leaf unknown to the configuration waits for its DPS registration. */
  private static final Duration PROVISION_WAIT = Duration.ofSeconds(20);

  private final LeafAuth auth;
  private final Relays relays;
  private final @Nullable LeafProvisioner provisioner;
  /** The Watson leaves ({@code d:…} client ids), or null without them. */
  private final @Nullable WatsonDownstream watson;
  /** The bound on leaf PUBLISHes awaiting the store (protocol.md §18.9), or null without one. */
  private final @Nullable Backpressure backpressure;
  private final AtomicLong connections = new AtomicLong();
  private volatile @Nullable PublishService publishService;
  private volatile @Nullable ClientService clientService;

  /** Creates the extension deciding CONNECTs with {@code auth} and handing leaves to {@code relays}. */
  public GatewayExtension(LeafAuth auth, Relays relays) {
    this(auth, relays, null);
  }

  /** Also provisions, through {@code provisioner}, the leaves {@code auth} accepts that have no relay yet. */
  public GatewayExtension(LeafAuth auth, Relays relays, @Nullable LeafProvisioner provisioner) {
    this(auth, relays, provisioner, null, null);
  }

  /**
   * Also hands the clients {@code watson} owns (Watson leaves, protocol.md §18.3) to it, and bounds every leaf
   * connection's PUBLISHes awaiting the store with {@code backpressure} (§18.9).
   */
  public GatewayExtension(LeafAuth auth, Relays relays, @Nullable LeafProvisioner provisioner,
      @Nullable WatsonDownstream watson, @Nullable Backpressure backpressure) {
    this.auth = auth;
    this.relays = relays;
    this.provisioner = provisioner;
    this.watson = watson;
    this.backpressure = backpressure;
  }

  private boolean watson(String clientId) {
    return watson != null && watson.owns(clientId);
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    publishService = Services.publishService();
    clientService = Services.clientService();
    WatsonDownstream w = watson;
    Services.securityRegistry().setAuthenticatorProvider(providerInput ->
        w != null && watson(providerInput.getClientInformation().getClientId()) ? w.authenticator()
            : new Authenticator());
    Authorizer authorizer = new Authorizer();
    Services.securityRegistry().setAuthorizerProvider(providerInput ->
        w != null && watson(providerInput.getClientInformation().getClientId()) ? w.authorizer() : authorizer);
    Services.initializerRegistry().setClientInitializer((initInput, context) -> {
      if (w != null && watson(initInput.getClientInformation().getClientId())) {
        if (w.isLeaf(initInput.getClientInformation().getClientId())) {
          w.initialize(initInput, context, gate(initInput.getConnectionInformation()));
        }
        return;
      }
      LeafRelay relay = relays.get(initInput.getClientInformation().getClientId());
      if (relay == null) {
        return;
      }
      PublishGate gate = gate(initInput.getConnectionInformation());
      context.addPublishInboundInterceptor((in, out) -> {
        if (gate != null && in.getPublishPacket().getQos() == Qos.AT_MOST_ONCE) {
          gate.qos0Started(); // a QoS 0 PUBLISH has no PUBACK to count it done; HiveMQ queues it no longer
        }
        try {
          onPublish(relay, in.getPublishPacket(), in.getConnectionInformation().getConnectionAttributeStore(), out);
        } catch (RuntimeException e) {
          LOG.warn("gateway: closing the connection of leaf {}: its PUBLISH failed: {}", relay.deviceId(),
              e.toString(), e);
          disconnect(relay.deviceId());
        }
      });
      context.addSubscribeInboundInterceptor((in, out) -> {
        for (var subscription : out.getSubscribePacket().getSubscriptions()) {
          if (subscription.getQos() == Qos.EXACTLY_ONCE) {
            subscription.setQos(Qos.AT_LEAST_ONCE); // as IoT Hub grants (protocol.md §4)
          }
        }
      });
      // What a SUBSCRIBE asked for starts once the broker holds the subscription (a C2D message must find it).
      context.addSubackOutboundInterceptor((in, out) ->
          relay.subscriptionsActive(connectionId(in.getConnectionInformation().getConnectionAttributeStore())));
    });
    Services.eventRegistry().setClientLifecycleEventListener(providerInput ->
        w != null && watson(providerInput.getClientInformation().getClientId()) ? w.lifecycle() : new Lifecycle());
  }

  private @Nullable PublishGate gate(ConnectionInformation connection) {
    Backpressure bound = backpressure;
    return bound == null ? null : bound.install(connection.getConnectionAttributeStore());
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
    publishService = null;
    clientService = null;
  }

  private void onPublish(LeafRelay relay, PublishPacket publish, ConnectionAttributeStore attributes,
      PublishInboundOutput out) {
    String topic = publish.getTopic();
    byte[] payload = bytes(publish.getPayload());
    LeafTopics.Kind kind = LeafTopics.classify(relay.deviceId(), topic);
    if (kind != LeafTopics.Kind.TELEMETRY) {
      out.preventPublishDelivery();
      relay.onPublish(kind, topic, payload);
      return;
    }
    // The PUBACK waits for the store: the interceptor resumes when the append is durable. On a failure the leaf's
    // connection is closed first, so no PUBACK goes out and the leaf's SDK sends the message again (a time-out
    // closes it too: HiveMQ disconnects an MQTT 3 client whose PUBLISH failed in an interceptor). The prevention
    // keeps its success code, so the PUBACK is sent and the message goes to no subscriber.
    // Once one is refused, so is every later PUBLISH of the connection (the close is not immediate): none may be
    // stored ahead of the refused one, which the leaf sends again first on its next connection.
    Async<PublishInboundOutput> async = out.async(STORE_WAIT, TimeoutFallback.FAILURE);
    out.preventPublishDelivery();
    String clientId = relay.deviceId();
    if (attributes.get(REFUSED).isPresent()) {
      disconnect(clientId);
      async.resume();
      return;
    }
    relay.telemetry(topic, payload, error -> {
      if (error != null) {
        attributes.put(REFUSED, ByteBuffer.allocate(0));
        disconnect(clientId);
      }
      async.resume();
    });
  }

  // ---------------------------------------------------------------- Downstream

  @Override
  public CompletableFuture<Boolean> publish(String clientId, String topic, byte[] payload, int qos) {
    PublishService service = publishService;
    if (service == null) {
      return CompletableFuture.completedFuture(false);
    }
    try {
      return service.publishToClient(Builders.publish()
              .topic(topic)
              .qos(qos == 0 ? Qos.AT_MOST_ONCE : Qos.AT_LEAST_ONCE)
              .payload(ByteBuffer.wrap(payload))
              .build(), clientId)
          .thenApply(result -> result == PublishToClientResult.SUCCESSFUL);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public void disconnect(String clientId) {
    ClientService service = clientService;
    if (service != null) {
      service.disconnectClient(clientId, false);
    }
  }

  // ---------------------------------------------------------------- security

  private final class Authenticator implements SimpleAuthenticator {
    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
      ConnectPacket connect = input.getConnectPacket();
      byte[] password = connect.getPassword().map(GatewayExtension::bytes).orElse(null);
      LeafAuth.Result result = auth.authenticate(connect.getClientId(), connect.getUserName().orElse(null),
          password, System.currentTimeMillis() / 1000);
      if (result.leaf() == null) {
        LOG.warn("gateway: refused CONNECT of '{}' with CONNACK {}: {}", connect.getClientId(),
            result.returnCode(), result.reason());
        output.failAuthentication(switch (result.returnCode()) {
          case LeafAuth.BAD_CLIENT_ID -> ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
          case LeafAuth.BAD_CREDENTIALS -> ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD;
          default -> ConnackReasonCode.NOT_AUTHORIZED;
        }, result.reason());
        return;
      }
      ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
      String clientId = connect.getClientId();
      LeafProvisioner dps = provisioner;
      if (relays.get(clientId) != null || dps == null) {
        attributes.putAsString(CONNECTION_ID, Long.toString(connections.incrementAndGet()));
        output.authenticateSuccessfully();
        return;
      }
      // A leaf of the enrollment group seen for the first time: its CONNACK waits for its DPS registration
      // (§18.5). A failure or a registration longer than the wait answers "server unavailable" (CONNACK 3), which
      // the leaf's SDK retries; a registration still running goes on and the retry finds it done.
      Async<SimpleAuthOutput> async = output.async(PROVISION_WAIT, TimeoutFallback.FAILURE,
          ConnackReasonCode.SERVER_UNAVAILABLE, "the gateway is still provisioning leaf '" + clientId
              + "' through DPS: connect again");
      dps.provision(clientId).whenComplete((relay, error) -> {
        try {
          if (error != null) {
            output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "the gateway could not provision leaf '"
                + clientId + "' through DPS: " + error.getMessage());
          } else {
            attributes.putAsString(CONNECTION_ID, Long.toString(connections.incrementAndGet()));
            output.authenticateSuccessfully();
          }
        } catch (RuntimeException late) {
          LOG.debug("gateway: CONNECT of '{}' was answered before its provisioning ended: {}", clientId,
              late.toString());
        } finally {
          async.resume();
        }
      });
    }
  }

  private final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
      String clientId = input.getClientInformation().getClientId();
      String topic = input.getPublishPacket().getTopic();
      if (relays.get(clientId) == null || LeafTopics.classify(clientId, topic) == LeafTopics.Kind.NOT_ALLOWED) {
        LOG.warn("gateway: closing the connection of '{}': PUBLISH to '{}' is not allowed", clientId, topic);
        output.failAuthorization();
        disconnect(clientId);
        return;
      }
      output.authorizeSuccessfully();
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
      String clientId = input.getClientInformation().getClientId();
      String filter = input.getSubscription().getTopicFilter();
      LeafRelay relay = relays.get(clientId);
      LeafTopics.Subscription kind = LeafTopics.subscription(clientId, filter);
      if (relay == null || kind == null) {
        LOG.warn("gateway: closing the connection of '{}': SUBSCRIBE to '{}' is not allowed", clientId, filter);
        output.failAuthorization();
        disconnect(clientId);
        return;
      }
      output.authorizeSuccessfully();
      relay.subscribing(connectionId(input.getConnectionInformation().getConnectionAttributeStore()), kind);
    }
  }

  private static @Nullable String connectionId(ConnectionAttributeStore attributes) {
    return attributes.getAsString(CONNECTION_ID).orElse(null);
  }

  // ---------------------------------------------------------------- lifecycle

  private final class Lifecycle implements ClientLifecycleEventListener {
    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {
      // Nothing before authentication.
    }

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
      LeafRelay relay = relays.get(input.getClientInformation().getClientId());
      String id = connectionId(input.getConnectionInformation().getConnectionAttributeStore());
      if (relay != null && id != null) {
        relay.online(id);
      }
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
      LeafRelay relay = relays.get(input.getClientInformation().getClientId());
      String id = connectionId(input.getConnectionInformation().getConnectionAttributeStore());
      if (relay != null && id != null) {
        relay.offline(id);
      }
    }
  }

  private static byte[] bytes(Optional<ByteBuffer> buffer) {
    return buffer.map(GatewayExtension::bytes).orElse(new byte[0]);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.asReadOnlyBuffer();
    copy.rewind();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
