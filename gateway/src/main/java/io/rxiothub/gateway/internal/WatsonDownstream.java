// The HiveMQ side of the Watson leaves (protocol.md §18.3): CONNECT by WatsonLeafAuth, events held until the store's
// commit, other PUBLISHes acknowledged and dropped, command filters granted, anything else refused with 0x80.
package io.rxiothub.gateway.internal;

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
import com.hivemq.extension.sdk.api.client.ClientContext;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.client.parameter.InitializerInput;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import io.rxiothub.watson.client.GatewayEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the gateway's HiveMQ extension does for a client id of a Watson device ({@code d:…}). */
public final class WatsonDownstream {

  private static final Logger LOG = LoggerFactory.getLogger(WatsonDownstream.class);
  private static final String CONNECTION_ID = "rxiothub.gateway.watson.connection-id";
  /** Set on a connection once the store refused one of its events. */
  private static final String REFUSED = "rxiothub.gateway.watson.refused";
  private static final Duration STORE_WAIT = Duration.ofSeconds(30);

  private final WatsonRelay relay;
  private final WatsonLeafAuth auth;
  private final Consumer<String> disconnect;
  private final AtomicLong connections = new AtomicLong();
  private final Authorizer authorizer = new Authorizer();

  /** Hands the Watson leaves to {@code relay}; {@code disconnect} closes a client's connection. */
  public WatsonDownstream(WatsonRelay relay, Consumer<String> disconnect) {
    this.relay = relay;
    this.auth = relay.auth();
    this.disconnect = disconnect;
  }

  /** Whether the extension hands client {@code clientId} to this class. */
  public boolean owns(String clientId) {
    return WatsonLeafAuth.isWatsonClientId(clientId);
  }

  /** The authenticator of one CONNECT. */
  public SimpleAuthenticator authenticator() {
    return this::onConnect;
  }

  /** The authorizer of publishes and subscriptions. */
  public Authorizer authorizer() {
    return authorizer;
  }

  /** The lifecycle listener of one client. */
  public ClientLifecycleEventListener lifecycle() {
    return new Lifecycle();
  }

  private void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
    ConnectPacket connect = input.getConnectPacket();
    byte[] password = connect.getPassword().map(WatsonDownstream::bytes).orElse(null);
    WatsonLeafAuth.Result result = auth.authenticate(connect.getClientId(), connect.getUserName().orElse(null),
        password);
    if (result.leaf() == null) {
      LOG.warn("gateway: refused CONNECT of Watson leaf '{}' with CONNACK {}: {}", connect.getClientId(),
          result.returnCode(), result.reason());
      output.failAuthentication(result.returnCode() == LeafAuth.BAD_CLIENT_ID
          ? ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID : ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
          result.reason());
      return;
    }
    input.getConnectionInformation().getConnectionAttributeStore().putAsString(CONNECTION_ID,
        Long.toString(connections.incrementAndGet()));
    output.authenticateSuccessfully();
  }

  /** Whether {@code clientId} is a configured Watson leaf (it gets an interceptor). */
  public boolean isLeaf(String clientId) {
    return relay.isLeaf(clientId);
  }

  /**
   * Adds the publish interceptor of a Watson leaf's connection; it tells {@code gate} (the connection's bound on
   * PUBLISHes awaiting the store, or null) when it starts on a QoS 0 PUBLISH.
   */
  public void initialize(InitializerInput input, ClientContext context, @Nullable PublishGate gate) {
    String clientId = input.getClientInformation().getClientId();
    if (!relay.isLeaf(clientId)) {
      return;
    }
    context.addPublishInboundInterceptor((in, out) -> {
      if (gate != null && in.getPublishPacket().getQos() == Qos.AT_MOST_ONCE) {
        gate.qos0Started();
      }
      try {
        onPublish(clientId, in.getPublishPacket(), in.getConnectionInformation().getConnectionAttributeStore(), out);
      } catch (RuntimeException e) {
        LOG.warn("gateway: closing the connection of Watson leaf {}: its PUBLISH failed: {}", clientId,
            e.toString(), e);
        disconnect.accept(clientId);
      }
    });
  }

  private void onPublish(String clientId, PublishPacket publish, ConnectionAttributeStore attributes,
      PublishInboundOutput out) {
    String topic = publish.getTopic();
    byte[] payload = publish.getPayload().map(WatsonDownstream::bytes).orElse(new byte[0]);
    WatsonLeafTopics.Event event = WatsonLeafTopics.event(topic);
    if (event == null || payload.length > GatewayEvent.MAX_PAYLOAD_BYTES) {
      // As the platform treats a device (§14.2): acknowledged, dropped, counted; the connection stays.
      out.preventPublishDelivery();
      relay.publishDropped();
      LOG.warn("gateway: Watson leaf {} published on '{}' ({} bytes): not carried ({})", clientId, topic,
          payload.length, event == null ? "only iot-2/evt/{event}/fmt/{format} is" : "more than "
              + GatewayEvent.MAX_PAYLOAD_BYTES + " bytes");
      return;
    }
    // The PUBACK waits for the store (as for Azure leaves, GatewayExtension); a refusal closes the connection
    // unacknowledged, and every later PUBLISH of it is refused too, so none is stored ahead of the refused one.
    Async<PublishInboundOutput> async = out.async(STORE_WAIT, TimeoutFallback.FAILURE);
    out.preventPublishDelivery();
    if (attributes.get(REFUSED).isPresent()) {
      disconnect.accept(clientId);
      async.resume();
      return;
    }
    relay.event(clientId, event, payload, error -> {
      if (error != null) {
        attributes.put(REFUSED, ByteBuffer.allocate(0));
        disconnect.accept(clientId);
      }
      async.resume();
    });
  }

  /** Publishes are judged by the interceptor (dropped, never refused); subscriptions to command filters only. */
  public final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
    private Authorizer() {
    }

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
      output.authorizeSuccessfully();
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
      String filter = input.getSubscription().getTopicFilter();
      if (WatsonLeafTopics.commandFilter(filter)) {
        output.authorizeSuccessfully();
        return;
      }
      LOG.warn("gateway: Watson leaf '{}' may not subscribe '{}' (only iot-2/cmd/{{c|+}}/fmt/{{f|+}}): 0x80",
          input.getClientInformation().getClientId(), filter);
      output.failAuthorization();
    }
  }

  private final class Lifecycle implements ClientLifecycleEventListener {
    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {
      // Nothing before authentication.
    }

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
      String id = connectionId(input.getConnectionInformation().getConnectionAttributeStore());
      if (id != null) {
        relay.online(input.getClientInformation().getClientId(), id);
      }
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
      String id = connectionId(input.getConnectionInformation().getConnectionAttributeStore());
      if (id != null) {
        relay.offline(input.getClientInformation().getClientId(), id);
      }
    }
  }

  private static @Nullable String connectionId(ConnectionAttributeStore attributes) {
    return attributes.getAsString(CONNECTION_ID).orElse(null);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer copy = buffer.asReadOnlyBuffer();
    copy.rewind();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
