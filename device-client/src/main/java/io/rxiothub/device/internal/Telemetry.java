// The sends of sendAll as SendResults: each message's send is the result the stream emits.
package io.rxiothub.device.internal;

import io.rxiothub.device.Message;
import io.rxiothub.device.SendResult;
import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.PendingSend;
import io.rxiothub.transport.internal.SendFactory;
import io.rxiothub.transport.internal.SendSink;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Telemetry of {@code sendAll}: topic and payload of a {@link Message}, and its result. */
public final class Telemetry implements SendFactory<Message> {

  private final MessageCodec codec;
  private final Function<Message, byte[]> payloads;

  /** Creates the factory of one client; {@code payloads} reads a message's payload without a copy. */
  public Telemetry(MessageCodec codec, Function<Message, byte[]> payloads) {
    this.codec = codec;
    this.payloads = payloads;
  }

  @Override
  public String topic(Message message) {
    return codec.checkedTelemetryTopic(message);
  }

  @Override
  public byte[] payload(Message message) {
    return payloads.apply(message);
  }

  @Override
  public PendingSend newSend(ClientCore core, Message message, String topic, byte[] payload,
      SendSink sink) {
    return new Send(core, message, topic, payload, sink);
  }

  /** One message of a stream, and its result. */
  private static final class Send extends PendingSend implements SendResult {
    private final Message message;

    Send(ClientCore core, Message message, String topic, byte[] payload, SendSink sink) {
      super(core, topic, payload, message.atMostOnce(), message.expiryEpochMillis(), sink);
      this.message = message;
    }

    @Override
    public Message message() {
      return message;
    }

    @Override
    public @Nullable Throwable error() {
      return super.error();
    }

    @Override
    public String toString() {
      Throwable e = error();
      return "SendResult{" + (e == null ? "ok" : "failed: " + e) + ", " + message + '}';
    }
  }
}
