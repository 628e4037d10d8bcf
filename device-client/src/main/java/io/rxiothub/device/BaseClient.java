// The implementation shared by DeviceClient and ModuleClient: delegates to the internal state machine.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.rxiothub.device.internal.ClientCore;
import io.rxiothub.device.internal.FeatureSettings;
import io.rxiothub.device.internal.MessageCodec;
import io.rxiothub.device.internal.MethodEngine;
import io.rxiothub.device.internal.TwinEngine;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared body of the two public clients. */
abstract class BaseClient implements IotHubClient {

  private static final Logger LOG = LoggerFactory.getLogger(BaseClient.class);

  private final ClientCore core;
  private final MessageCodec codec;
  private final Flowable<CloudMessage> cloudMessages;
  private final TwinEngine twin;
  private final MethodEngine methods;

  BaseClient(ClientCore core, MessageCodec codec, FeatureSettings features) {
    this.core = core;
    this.codec = codec;
    this.twin = new TwinEngine(core, features);
    this.methods = new MethodEngine(core, features);
    this.cloudMessages = core.inbound(codec.topics().deviceboundFilter(), publish -> {
      try {
        return codec.decodeCloudMessage(publish.topic(), publish.payload());
      } catch (IotHubProtocolException e) {
        LOG.warn("{}", e.getMessage(), e);
        return null;
      }
    });
  }

  /** Returns the internal engine (for the twin and methods integration of the same module). */
  final ClientCore core() {
    return core;
  }

  @Override
  public String deviceId() {
    return core.settings().deviceId();
  }

  @Override
  public @Nullable String moduleId() {
    return core.settings().moduleId();
  }

  @Override
  @CheckReturnValue
  public Completable connect() {
    return core.connect();
  }

  @Override
  @CheckReturnValue
  public Completable disconnect() {
    return core.disconnect();
  }

  @Override
  @CheckReturnValue
  public Observable<ConnectionState> connectionStates() {
    return core.connectionStates();
  }

  @Override
  public ConnectionState connectionState() {
    return core.currentState();
  }

  @Override
  @CheckReturnValue
  public Completable send(Message message) {
    if (message == null) {
      throw new IllegalArgumentException("message must not be null");
    }
    return core.publish(codec.checkedTelemetryTopic(message), message.payloadArray(),
        message.atMostOnce(), message.expiryEpochMillis());
  }

  @Override
  @CheckReturnValue
  public Flowable<SendResult> sendAll(Publisher<Message> messages) {
    if (messages == null) {
      throw new IllegalArgumentException("messages must not be null");
    }
    return core.sendAll(messages, codec, Message::payloadArray);
  }

  @Override
  @CheckReturnValue
  public Flowable<CloudMessage> cloudMessages() {
    return cloudMessages;
  }

  @Override
  public TwinOperations twin() {
    return twin;
  }

  @Override
  public DirectMethods methods() {
    return methods;
  }

  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + '{' + core.settings().clientId() + ", "
        + core.currentState().status() + '}';
  }
}
