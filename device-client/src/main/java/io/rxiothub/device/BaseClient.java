// The implementation shared by DeviceClient and ModuleClient: delegates to the internal state machine.
package io.rxiothub.device;

import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Observable;
import io.rxiothub.device.internal.ClientParts;
import io.rxiothub.device.internal.ConnectionStates;
import io.rxiothub.device.internal.Credentials;
import io.rxiothub.device.internal.FileUploadEngine;
import io.rxiothub.device.internal.MessageCodec;
import io.rxiothub.device.internal.MethodEngine;
import io.rxiothub.device.internal.Telemetry;
import io.rxiothub.device.internal.TwinEngine;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.CoreSettings;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared body of the two public clients. */
abstract class BaseClient implements IotHubClient {

  private static final Logger LOG = LoggerFactory.getLogger(BaseClient.class);

  private final String deviceId;
  private final @Nullable String moduleId;
  private final ClientCore core;
  private final MessageCodec codec;
  /** Made by the first sendAll (most clients never call it). */
  private @Nullable Telemetry telemetry;
  private final Flowable<CloudMessage> cloudMessages;
  private final TwinEngine twin;
  private final MethodEngine methods;
  /** Shared by clients built alike; the uploads themselves are made when asked for (most clients never are). */
  private final FileUploadEngine.UploadSettings uploads;

  BaseClient(ClientParts parts) {
    ClientCore core = parts.core;
    MessageCodec codec = parts.codec;
    this.deviceId = parts.deviceId;
    this.moduleId = parts.moduleId;
    this.core = core;
    this.codec = codec;
    this.twin = new TwinEngine(core, parts.features);
    this.methods = new MethodEngine(core, parts.features);
    this.uploads = parts.uploads;
    this.cloudMessages = core.inbound(codec.topics().deviceboundFilter(), publish -> {
      try {
        return codec.decodeCloudMessage(publish.topic(), publish.payload());
      } catch (IotHubProtocolException e) {
        LOG.warn("{}", e.getMessage(), e);
        return null;
      }
    });
  }

  /** The connection core, for the module's inputs. */
  final ClientCore core() {
    return core;
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public @Nullable String moduleId() {
    return moduleId;
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
    return core.connectionStates().map(ConnectionStates::toPublic);
  }

  @Override
  public ConnectionState connectionState() {
    return ConnectionStates.toPublic(core.currentState());
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
    Telemetry t = telemetry;
    if (t == null) {
      t = new Telemetry(codec, Message::payloadArray); // stateless: a race makes two, both fine
      telemetry = t;
    }
    return core.sendAll(messages, t);
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
  public FileUploads files() {
    CoreSettings settings = core.settings(); // ClientFactory gives the core this client's own Credentials
    return new FileUploadEngine(deviceId, moduleId, (Credentials) settings.credentials(), uploads,
        settings.callbackScheduler(), settings.timeScheduler());
  }

  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + '{' + core.settings().identity() + ", "
        + core.currentState().status() + '}';
  }
}
