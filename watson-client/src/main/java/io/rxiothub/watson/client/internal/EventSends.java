// The sends of sendAll as EventResults: each event's send is the result the stream emits.
package io.rxiothub.watson.client.internal;

import io.rxiothub.transport.internal.ClientCore;
import io.rxiothub.transport.internal.PendingSend;
import io.rxiothub.transport.internal.SendFactory;
import io.rxiothub.transport.internal.SendSink;
import io.rxiothub.watson.WatsonTopic;
import io.rxiothub.watson.client.EventResult;
import io.rxiothub.watson.client.GatewayEvent;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Topic and payload of a {@link GatewayEvent}, and its result. */
public final class EventSends implements SendFactory<GatewayEvent> {

  private final Function<GatewayEvent, byte[]> payloads;
  private final boolean own;

  /**
   * Creates the factory; {@code payloads} reads an event's payload without a copy; {@code own}: a plain device's
   * topics ({@code iot-2/evt/{e}/fmt/{f}}), else a gateway's, which name the device.
   */
  public EventSends(Function<GatewayEvent, byte[]> payloads, boolean own) {
    this.payloads = payloads;
    this.own = own;
  }

  @Override
  public String topic(GatewayEvent event) {
    if (own) {
      return "iot-2/evt/" + event.eventId() + "/fmt/" + event.format();
    }
    return WatsonTopic.event(event.typeId(), event.deviceId(), event.eventId(), event.format()).toString();
  }

  @Override
  public byte[] payload(GatewayEvent event) {
    return payloads.apply(event);
  }

  @Override
  public PendingSend newSend(ClientCore core, GatewayEvent event, String topic, byte[] payload, SendSink sink) {
    return new Send(core, event, topic, payload, sink);
  }

  private static final class Send extends PendingSend implements EventResult {
    private final GatewayEvent event;

    Send(ClientCore core, GatewayEvent event, String topic, byte[] payload, SendSink sink) {
      super(core, topic, payload, event.qos() == 0, null, sink);
      this.event = event;
    }

    @Override
    public GatewayEvent event() {
      return event;
    }

    @Override
    public @Nullable Throwable error() {
      return super.error();
    }

    @Override
    public String toString() {
      Throwable e = error();
      return "EventResult{" + (e == null ? "ok" : "failed: " + e) + ", " + event + '}';
    }
  }
}
