// The embedded HiveMQ extension of the Watson organisation mode: hands CONNECT, SUBSCRIBE and PUBLISH to the
// Watson rules and publishes through the broker's services.
package io.rxiothub.emulator.watson.internal;

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
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ClientInitiatedDisconnectInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionLostInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
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
import com.hivemq.extension.sdk.api.services.session.ClientService;
import io.rxiothub.emulator.internal.FaultInjector;
import io.rxiothub.watson.ClientId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One instance per broker start; captures the broker's services at start. */
public final class WatsonExtension implements ExtensionMain, WatsonLink {

  private static final Logger LOG = LoggerFactory.getLogger(WatsonExtension.class);

  private final Authenticator authenticator;
  private final WatsonCore core;
  private final FaultInjector faults;
  private volatile @Nullable PublishService publishService;
  private volatile @Nullable ClientService clientService;

  /** Creates the extension for the given rules. */
  public WatsonExtension(Authenticator authenticator, WatsonCore core, FaultInjector faults) {
    this.authenticator = authenticator;
    this.core = core;
    this.faults = faults;
  }

  @Override
  public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
    publishService = Services.publishService();
    clientService = Services.clientService();
    Services.securityRegistry().setAuthenticatorProvider(providerInput -> new Connects());
    Services.eventRegistry().setClientLifecycleEventListener(providerInput -> new Lifecycle());
    Authorizer authorizer = new Authorizer();
    Services.securityRegistry().setAuthorizerProvider(providerInput -> authorizer);
    Services.initializerRegistry().setClientInitializer((initInput, context) -> {
      ClientId client;
      try {
        client = ClientId.parse(initInput.getClientInformation().getClientId());
      } catch (IllegalArgumentException e) {
        return;
      }
      context.addPublishInboundInterceptor((in, out) -> {
        PublishPacket publish = in.getPublishPacket();
        // Every accepted message is re-published by the core with RETAIN 0 (protocol.md §14.2).
        out.preventPublishDelivery();
        core.onPublish(client, publish.getTopic(), bytes(publish.getPayload().orElse(null)),
            publish.getQos().getQosNumber());
      });
      context.addSubscribeInboundInterceptor((in, out) -> {
        for (var subscription : out.getSubscribePacket().getSubscriptions()) {
          if (subscription.getQos() == Qos.EXACTLY_ONCE) {
            subscription.setQos(Qos.AT_LEAST_ONCE);
          }
        }
      });
    });
  }

  @Override
  public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
    publishService = null;
    clientService = null;
  }

  @Override
  public void publish(String topic, byte[] payload, int qos) {
    PublishService service = publishService;
    if (service != null) {
      service.publish(Builders.publish().topic(topic).qos(qos == 0 ? Qos.AT_MOST_ONCE : Qos.AT_LEAST_ONCE)
          .retain(false).payload(ByteBuffer.wrap(payload)).build());
    }
  }

  @Override
  public void publishToClient(String clientId, String topic, byte[] payload, int qos) {
    PublishService service = publishService;
    if (service != null) {
      service.publishToClient(Builders.publish().topic(topic).qos(qos == 0 ? Qos.AT_MOST_ONCE : Qos.AT_LEAST_ONCE)
          .retain(false).payload(ByteBuffer.wrap(payload)).build(), clientId);
    }
  }

  @Override
  public void disconnect(String clientId) {
    ClientService service = clientService;
    if (service != null) {
      service.disconnectClient(clientId, false);
    }
  }

  /** Connection status for applications' {@code mon} topics (protocol.md §14.7). */
  private final class Lifecycle implements ClientLifecycleEventListener {
    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {
      core.status().connecting(input.getClientInformation().getClientId(),
          input.getConnectPacket().getUserName().orElse(null));
    }

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
      core.status().connected(input.getClientInformation().getClientId());
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
      core.status().disconnected(input.getClientInformation().getClientId(), StatusMonitor.CLOSED_BY_SERVER);
    }

    @Override
    public void onClientInitiatedDisconnect(ClientInitiatedDisconnectInput input) {
      core.status().disconnected(input.getClientInformation().getClientId(), StatusMonitor.CLOSED_BY_CLIENT);
    }

    @Override
    public void onConnectionLost(ConnectionLostInput input) {
      core.status().disconnected(input.getClientInformation().getClientId(), StatusMonitor.LOST);
    }
  }

  /** CONNECT by the organisation's rules (protocol.md §14.1). */
  private final class Connects implements SimpleAuthenticator {
    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
      ConnectPacket connect = input.getConnectPacket();
      String password = connect.getPassword().map(b -> new String(bytes(b), StandardCharsets.UTF_8)).orElse(null);
      int refused = faults.connackRefusal(connect.getClientId());
      Authenticator.Result result = refused != 0 ? new Authenticator.Result(refused, "fault: CONNECT refused", null)
          : authenticator.authenticate(connect.getClientId(), connect.getUserName().orElse(null), password);
      if (result.returnCode() != 0) {
        LOG.info("watson emulator: refused CONNECT of '{}' with CONNACK {}: {}", connect.getClientId(),
            result.returnCode(), result.reason());
        output.failAuthentication(switch (result.returnCode()) {
          // the organisation's rules answer 2, 4 or 5 (§14.1); an injected refusal (refuseConnects) may ask any code
          case 1 -> ConnackReasonCode.UNSUPPORTED_PROTOCOL_VERSION;
          case 2 -> ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID;
          case 3 -> ConnackReasonCode.SERVER_UNAVAILABLE;
          case 4 -> ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD;
          default -> ConnackReasonCode.NOT_AUTHORIZED;
        }, result.reason());
        return;
      }
      output.authenticateSuccessfully();
    }
  }

  /** PUBLISH always passes here (the interceptor applies the rules and keeps the connection); SUBSCRIBE is ruled. */
  private final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
      output.authorizeSuccessfully();
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
      ClientId client;
      try {
        client = ClientId.parse(input.getClientInformation().getClientId());
      } catch (IllegalArgumentException e) {
        output.failAuthorization();
        return;
      }
      if (core.maySubscribe(client, input.getSubscription().getTopicFilter())) {
        output.authorizeSuccessfully();
      } else {
        output.failAuthorization();
      }
    }
  }

  private static byte[] bytes(@Nullable ByteBuffer buffer) {
    if (buffer == null) {
      return new byte[0];
    }
    ByteBuffer copy = buffer.asReadOnlyBuffer();
    copy.rewind();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }
}
