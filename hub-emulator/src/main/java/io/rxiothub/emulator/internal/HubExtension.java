// The embedded HiveMQ extension that makes the broker behave as IoT Hub: it hands every CONNECT, SUBSCRIBE,
// PUBLISH and PUBACK to HubCore and answers through the broker's services.
package io.rxiothub.emulator.internal;

import com.hivemq.extension.sdk.api.ExtensionMain;
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
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ClientInitiatedDisconnectInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionLostInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ServerInitiatedDisconnectInput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.connect.WillPublishPacket;
import com.hivemq.extension.sdk.api.packets.general.MqttVersion;
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
import com.hivemq.extension.sdk.api.services.subscription.SubscriptionStore;
import com.hivemq.extension.sdk.api.services.subscription.TopicSubscription;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One instance per broker start; captures the broker's services at start so several brokers can coexist. */
public final class HubExtension implements ExtensionMain, BrokerLink {

  private static final Logger LOG = LoggerFactory.getLogger(HubExtension.class);
  private static final String CONNECTION_ID = "rxiothub.connection-id";
  private static final String PERSISTENT = "rxiothub.persistent";
  private static final String WILL_TOPIC = "rxiothub.will-topic";
  private static final String WILL_PAYLOAD = "rxiothub.will-payload";
  private static final String WILL_RETAIN = "rxiothub.will-retain";

  private final HubCore core;
  private volatile @Nullable PublishService publishService;
  private volatile @Nullable ClientService clientService;
  private volatile @Nullable SubscriptionStore subscriptionStore;

  /** Creates the extension for {@code core}. */
  public HubExtension(HubCore core) {
    this.core = core;
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    publishService = Services.publishService();
    clientService = Services.clientService();
    subscriptionStore = Services.subscriptionStore();
    Services.interceptorRegistry().setConnectInboundInterceptorProvider(providerInput -> (connectInput, out) ->
        connectInput.getConnectionInformation().getConnectionAttributeStore().putAsString(PERSISTENT,
            Boolean.toString(!connectInput.getConnectPacket().getCleanStart())));
    Services.securityRegistry().setAuthenticatorProvider(providerInput -> new Authenticator());
    Authorizer authorizer = new Authorizer();
    Services.securityRegistry().setAuthorizerProvider(providerInput -> authorizer);
    Services.initializerRegistry().setClientInitializer((initInput, context) -> {
      String clientId = initInput.getClientInformation().getClientId();
      Identity identity = Identity.fromClientId(clientId);
      if (identity == null) {
        return;
      }
      context.addPublishInboundInterceptor((in, out) -> {
        PublishPacket publish = in.getPublishPacket();
        byte[] payload = bytes(publish.getPayload());
        String problem = core.checkPublish(identity, publish.getTopic(), payload, publish.getQos().getQosNumber());
        out.preventPublishDelivery();
        if (problem != null) {
          refusePublish(identity, problem);
          return;
        }
        core.onPublish(identity, publish.getTopic(), payload, publish.getRetain());
      });
      context.addPublishOutboundInterceptor((in, out) ->
          core.outboundPublish(identity, in.getPublishPacket().getTopic(), in.getPublishPacket().getPacketId()));
      context.addPubackInboundInterceptor((in, out) ->
          core.puback(identity, in.getPubackPacket().getPacketIdentifier()));
      context.addUnsubscribeInboundInterceptor((in, out) -> {
        for (String filter : in.getUnsubscribePacket().getTopicFilters()) {
          core.unsubscribed(identity, filter);
        }
      });
      context.addSubscribeInboundInterceptor((in, out) -> {
        // IoT Hub grants QoS 1 for a QoS 2 subscription (protocol.md §4).
        for (var subscription : out.getSubscribePacket().getSubscriptions()) {
          if (subscription.getQos() == Qos.EXACTLY_ONCE) {
            subscription.setQos(Qos.AT_LEAST_ONCE);
          }
        }
      });
      context.addSubackOutboundInterceptor((in, out) -> core.subscriptionsActive(identity));
    });
    Services.eventRegistry().setClientLifecycleEventListener(providerInput -> new Lifecycle());
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
    publishService = null;
    clientService = null;
    subscriptionStore = null;
  }

  private void refusePublish(Identity identity, String problem) {
    LOG.warn("hub emulator: closing the connection of {}: {}", identity, problem);
    disconnect(identity.clientId());
  }

  // ---------------------------------------------------------------- BrokerLink

  @Override
  public CompletableFuture<Boolean> publishToClient(String clientId, String topic, byte[] payload, int qos) {
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

  @Override
  public CompletableFuture<Void> addSubscriptions(String clientId, Map<String, Integer> subscriptions) {
    SubscriptionStore store = subscriptionStore;
    if (store == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("broker stopped"));
    }
    Set<TopicSubscription> set = new LinkedHashSet<>();
    subscriptions.forEach((filter, qos) -> set.add(Builders.topicSubscription()
        .topicFilter(filter)
        .qos(qos == 0 ? Qos.AT_MOST_ONCE : Qos.AT_LEAST_ONCE)
        .build()));
    return store.addSubscriptions(clientId, set);
  }

  // ---------------------------------------------------------------- security

  /** Authenticates CONNECT with HubCore's rules; refusals carry the hub's CONNACK codes. */
  private final class Authenticator implements SimpleAuthenticator {
    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
      ConnectPacket connect = input.getConnectPacket();
      int level = connect.getMqttVersion() == MqttVersion.V_3_1_1 ? 4
          : connect.getMqttVersion() == MqttVersion.V_5 ? 5 : 3;
      Will will = null;
      Optional<WillPublishPacket> willPacket = connect.getWillPublish();
      if (willPacket.isPresent()) {
        will = new Will(willPacket.get().getTopic(), bytes(willPacket.get().getPayload()),
            willPacket.get().getRetain());
      }
      byte[] password = connect.getPassword().map(HubExtension::bytes).orElse(null);
      Authentication.Result result = core.authenticate(level, connect.getClientId(),
          connect.getUserName().orElse(null), password, will);
      if (result.returnCode() != 0 || result.identity() == null) {
        LOG.warn("hub emulator: refused CONNECT of '{}' with CONNACK {}: {}", connect.getClientId(),
            result.returnCode(), result.reason());
        output.failAuthentication(reasonCode(result.returnCode()), result.reason());
        return;
      }
      ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
      String connectionId = core.newConnectionId();
      attributes.putAsString(CONNECTION_ID, connectionId);
      attributes.putAsString(PERSISTENT + ".expiry", Long.toString(result.tokenExpiry()));
      if (will != null) {
        attributes.putAsString(WILL_TOPIC, will.topic());
        attributes.put(WILL_PAYLOAD, ByteBuffer.wrap(will.payload()));
        attributes.putAsString(WILL_RETAIN, Boolean.toString(will.retain()));
      }
      output.authenticateSuccessfully();
    }
  }

  private static ConnackReasonCode reasonCode(int mqtt3Code) {
    return switch (mqtt3Code) {
      case 1 -> ConnackReasonCode.UNSUPPORTED_PROTOCOL_VERSION;
      case 2 -> ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
      case 3 -> ConnackReasonCode.SERVER_UNAVAILABLE;
      case 4 -> ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD;
      default -> ConnackReasonCode.NOT_AUTHORIZED;
    };
  }

  /** Authorizes PUBLISH and SUBSCRIBE by the emulator's rules (protocol.md §4); anything else closes. */
  private final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
      Identity identity = Identity.fromClientId(input.getClientInformation().getClientId());
      PublishPacket publish = input.getPublishPacket();
      if (identity == null) {
        output.failAuthorization();
        disconnect(input.getClientInformation().getClientId());
        return;
      }
      String problem = core.checkPublish(identity, publish.getTopic(), bytes(publish.getPayload()),
          publish.getQos().getQosNumber());
      if (problem != null) {
        output.failAuthorization();
        refusePublish(identity, problem);
        return;
      }
      output.authorizeSuccessfully();
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
      Identity identity = Identity.fromClientId(input.getClientInformation().getClientId());
      String filter = input.getSubscription().getTopicFilter();
      if (identity == null || !TopicRules.maySubscribe(identity, filter)) {
        LOG.warn("hub emulator: closing the connection of {}: SUBSCRIBE to '{}' is not allowed",
            input.getClientInformation().getClientId(), filter);
        output.failAuthorization();
        disconnect(input.getClientInformation().getClientId());
        return;
      }
      core.subscribed(identity, filter, input.getSubscription().getQos().getQosNumber());
      output.authorizeSuccessfully();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Tracks connections: accepted, closed by the client, lost, or closed by the server. */
  private final class Lifecycle implements ClientLifecycleEventListener {
    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {
      // Nothing to do before authentication.
    }

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
      Identity identity = Identity.fromClientId(input.getClientInformation().getClientId());
      ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
      Optional<String> connectionId = attributes.getAsString(CONNECTION_ID);
      if (identity == null || connectionId.isEmpty()) {
        return;
      }
      boolean persistent = Boolean.parseBoolean(attributes.getAsString(PERSISTENT).orElse("false"));
      long expiry = Long.parseLong(attributes.getAsString(PERSISTENT + ".expiry").orElse("0"));
      core.connected(identity, connectionId.get(), persistent, expiry);
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
      // Handled by the specific callbacks below.
    }

    @Override
    public void onClientInitiatedDisconnect(ClientInitiatedDisconnectInput input) {
      ended(input, true);
    }

    @Override
    public void onConnectionLost(ConnectionLostInput input) {
      ended(input, false);
    }

    @Override
    public void onServerInitiatedDisconnect(ServerInitiatedDisconnectInput input) {
      ended(input, false);
    }

    private void ended(DisconnectEventInput input, boolean graceful) {
      Identity identity = Identity.fromClientId(input.getClientInformation().getClientId());
      ConnectionAttributeStore attributes = input.getConnectionInformation().getConnectionAttributeStore();
      Optional<String> connectionId = attributes.getAsString(CONNECTION_ID);
      if (identity == null || connectionId.isEmpty()) {
        return;
      }
      Will will = null;
      Optional<String> willTopic = attributes.getAsString(WILL_TOPIC);
      if (willTopic.isPresent()) {
        will = new Will(willTopic.get(), attributes.get(WILL_PAYLOAD).map(HubExtension::bytes)
            .orElse(new byte[0]), Boolean.parseBoolean(attributes.getAsString(WILL_RETAIN).orElse("false")));
      }
      core.disconnected(identity, connectionId.get(), graceful, will);
    }
  }

  private static byte[] bytes(Optional<ByteBuffer> buffer) {
    return buffer.map(HubExtension::bytes).orElse(new byte[0]);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.asReadOnlyBuffer();
    copy.rewind();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  static String text(ByteBuffer buffer) {
    return new String(bytes(buffer), StandardCharsets.UTF_8);
  }
}
