// The overload gate's rules (protocol.md §18.9) on Netty's EmbeddedChannel with HiveMQ's own PUBLISH and PUBACK
// messages and its connection attribute store (the field the gateway reaches the channel through).
package io.rxiothub.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.bootstrap.netty.ChannelHandlerNames;
import com.hivemq.extensions.client.parameter.ConnectionAttributeStoreImpl;
import com.hivemq.mqtt.message.QoS;
import com.hivemq.mqtt.message.puback.PUBACK;
import com.hivemq.mqtt.message.publish.PUBLISH;
import com.hivemq.mqtt.message.publish.PUBLISHFactory;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class PublishGateTest {

  private int packetId;

  @Test
  void readingStopsAtTheLimitAndGoesOnAtHalf() {
    Backpressure limits = new Backpressure(4, 1L << 30);
    EmbeddedChannel leaf = leaf();
    PublishGate gate = limits.install(new ConnectionAttributeStoreImpl(leaf));
    assertThat(gate).isNotNull();
    assertThat(leaf.pipeline().names()).containsSubsequence(ChannelHandlerNames.MQTT_MESSAGE_ENCODER,
        PublishGate.NAME);
    assertThat(limits.install(new ConnectionAttributeStoreImpl(leaf))).as("once per connection").isSameAs(gate);

    read(leaf, QoS.AT_LEAST_ONCE, 3, 10);
    assertThat(leaf.config().isAutoRead()).isTrue();
    read(leaf, QoS.AT_LEAST_ONCE, 1, 10);
    assertThat(leaf.config().isAutoRead()).as("4 pending: the limit").isFalse();
    assertThat(limits.paused.get()).isEqualTo(1);
    assertThat(limits.pauses.get()).isEqualTo(1);
    assertThat(limits.peakPerLeaf()).isEqualTo(4);
    assertThat(leaf.inboundMessages()).as("what was read still goes on to HiveMQ").hasSize(4);

    leaf.writeOutbound(new PUBACK(1));
    assertThat(leaf.config().isAutoRead()).as("3 pending: above half").isFalse();
    leaf.writeOutbound(new PUBACK(2));
    assertThat(leaf.config().isAutoRead()).as("2 pending: half").isTrue();
    assertThat(limits.paused.get()).isZero();
    assertThat(limits.pending.get()).isEqualTo(2);
    assertThat(leaf.outboundMessages()).as("PUBACKs go on to the encoder").hasSize(2);
  }

  @Test
  void aQos0PublishIsDoneWhenTheExtensionStartsOnIt() {
    Backpressure limits = new Backpressure(2, 1L << 30);
    EmbeddedChannel leaf = leaf();
    PublishGate gate = limits.install(new ConnectionAttributeStoreImpl(leaf));
    read(leaf, QoS.AT_MOST_ONCE, 2, 10);
    assertThat(leaf.config().isAutoRead()).isFalse();

    gate.qos0Started();
    leaf.runPendingTasks();

    assertThat(leaf.config().isAutoRead()).isTrue();
    assertThat(limits.pending.get()).isEqualTo(1);
  }

  @Test
  void aboveTheTotalEveryLeafThatSendsWaitsUntilItIsBelowThreeQuarters() {
    Backpressure limits = new Backpressure(100, 100_000);
    EmbeddedChannel a = leaf();
    EmbeddedChannel b = leaf();
    limits.install(new ConnectionAttributeStoreImpl(a));
    limits.install(new ConnectionAttributeStoreImpl(b));

    read(a, QoS.AT_LEAST_ONCE, 1, 60_000);
    assertThat(a.config().isAutoRead()).isTrue();
    read(b, QoS.AT_LEAST_ONCE, 1, 60_000);
    assertThat(b.config().isAutoRead()).as("over 100,000 bytes in all").isFalse();
    assertThat(a.config().isAutoRead()).as("a sent nothing since").isTrue();
    read(a, QoS.AT_LEAST_ONCE, 1, 30_000);
    assertThat(a.config().isAutoRead()).isFalse();

    b.writeOutbound(new PUBACK(2));
    b.runPendingTasks();
    a.runPendingTasks();
    assertThat(limits.pendingBytes.get()).as("a's two").isBetween(90_000L, 91_000L);
    assertThat(b.config().isAutoRead()).as("b: none pending, but the total is above three quarters").isFalse();
    assertThat(a.config().isAutoRead()).isFalse();

    a.writeOutbound(new PUBACK(1));
    a.runPendingTasks();
    b.runPendingTasks();
    assertThat(limits.pendingBytes.get()).as("a's second").isBetween(30_000L, 31_000L);
    assertThat(a.config().isAutoRead()).isTrue();
    assertThat(b.config().isAutoRead()).as("woken when the total went below three quarters").isTrue();
    assertThat(limits.paused.get()).isZero();
  }

  @Test
  void aClosedConnectionGivesBackWhatItHadPending() {
    Backpressure limits = new Backpressure(2, 1L << 30);
    EmbeddedChannel leaf = leaf();
    limits.install(new ConnectionAttributeStoreImpl(leaf));
    read(leaf, QoS.AT_LEAST_ONCE, 3, 500);
    assertThat(limits.pending.get()).isEqualTo(3);
    assertThat(limits.paused.get()).isEqualTo(1);

    leaf.close();

    assertThat(limits.pending.get()).isZero();
    assertThat(limits.pendingBytes.get()).isZero();
    assertThat(limits.paused.get()).isZero();
    StringBuilder text = new StringBuilder();
    limits.metricsText(text);
    assertThat(text.toString()).contains("rxiothub_gateway_publishes_pending 0\n",
        "rxiothub_gateway_leaves_paused 0\n", "rxiothub_gateway_leaf_pauses_total 1\n",
        "rxiothub_gateway_publishes_pending_peak_per_leaf 3\n");
  }

  private static EmbeddedChannel leaf() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast(ChannelHandlerNames.MQTT_MESSAGE_ENCODER, new ChannelOutboundHandlerAdapter());
    return channel;
  }

  private void read(EmbeddedChannel leaf, QoS qos, int count, int payloadBytes) {
    for (int i = 0; i < count; i++) {
      leaf.writeInbound(new PUBLISHFactory.Mqtt3Builder()
          .withHivemqId("gateway")
          .withTopic("devices/d/messages/events/")
          .withQoS(qos)
          .withOnwardQos(qos)
          .withPayload(new byte[payloadBytes])
          .withPacketIdentifier(qos == QoS.AT_MOST_ONCE ? 0 : ++packetId)
          .build());
    }
  }
}
