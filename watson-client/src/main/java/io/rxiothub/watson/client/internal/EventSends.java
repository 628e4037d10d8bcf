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

  /**
   * Returns the event's topic: the wire form of {@link WatsonTopic#event}, or a device's own
   * {@code iot-2/evt/{e}/fmt/{f}}. Built once per event straight into a buffer of the exact size: the event's
   * builder already checked its ids, so there is no second check and no {@code WatsonTopic} per event
   * (EventSendsTest holds the forms equal).
   */
  @Override
  public String topic(GatewayEvent event) {
    String e = event.eventId();
    String f = event.format();
    if (own) {
      return new StringBuilder(15 + e.length() + f.length()).append("iot-2/evt/").append(e).append("/fmt/")
          .append(f).toString();
    }
    String t = event.typeId();
    String d = event.deviceId();
    return new StringBuilder(25 + t.length() + d.length() + e.length() + f.length()).append("iot-2/type/").append(t)
        .append("/id/").append(d).append("/evt/").append(e).append("/fmt/").append(f).toString();
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
