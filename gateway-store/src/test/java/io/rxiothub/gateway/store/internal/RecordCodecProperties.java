// The record format (protocol.md §19.2): any message round-trips, the counted size is the encoded size, keys sort
// by device then sequence (a key starts with its own device's prefix only), order keys sort by sequence, and a record
// of another version is refused naming it.
package io.rxiothub.gateway.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rxiothub.gateway.store.ForwardMessage;
import io.rxiothub.gateway.store.StoredMessage;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class RecordCodecProperties {

  @Provide
  Arbitrary<String> text() {
    // MQTT strings hold no lone surrogates; all other code points, 1 to 4 UTF-8 bytes, are fair game
    return Arbitraries.strings().withCharRange('\u0001', '\uD7FF').withCharRange('\uE000', '\uFFFF')
        .ofMinLength(1).ofMaxLength(200).edgeCases(c -> c.add("\uD83D\uDE00"));
  }

  @Provide
  Arbitrary<Map<String, String>> props() {
    return Arbitraries.maps(text(), text()).ofMaxSize(8);
  }

  @Property(tries = 300)
  void anyMessageRoundTripsAndItsCountedSizeIsItsEncodedSize(@ForAll("text") String device,
      @ForAll("text") String id, @ForAll("props") Map<String, String> props, @ForAll @Size(max = 2000) byte[] payload,
      @ForAll @LongRange(min = 1) long sequence, @ForAll @LongRange(min = 0, max = 4_102_444_800_000L) long at) {
    ForwardMessage m = ForwardMessage.builder().messageId(id).properties(props).payload(payload).build();
    byte[] key = RecordCodec.key(RecordCodec.deviceIdBytes(device), sequence);
    byte[] value = RecordCodec.value(at, m);
    assertThat(RecordCodec.size(device, m)).isEqualTo(key.length + value.length);
    StoredMessage decoded = RecordCodec.decode(key, value);
    assertThat(decoded).isEqualTo(StoredMessage.of(sequence, device, Instant.ofEpochMilli(at), m));
    assertThat(decoded.properties().keySet()).containsExactlyElementsOf(props.keySet());
  }

  @Property(tries = 200)
  void aDevicesKeysStartWithItsPrefixAndSortBySequence(@ForAll("text") String device,
      @ForAll @LongRange(min = 1) long a, @ForAll @LongRange(min = 1) long b) {
    byte[] id = RecordCodec.deviceIdBytes(device);
    byte[] ka = RecordCodec.key(id, a);
    byte[] kb = RecordCodec.key(id, b);
    byte[] prefix = RecordCodec.prefix(id);
    assertThat(Arrays.copyOf(ka, prefix.length)).isEqualTo(prefix);
    assertThat(Integer.signum(Arrays.compareUnsigned(ka, kb))).isEqualTo(Long.signum(Long.compare(a, b)));
    assertThat(RecordCodec.deviceOf(ka)).isEqualTo(device);
  }

  @Property(tries = 200)
  void orderKeysSortBySequenceAndReadBack(@ForAll @LongRange(min = 1) long a, @ForAll @LongRange(min = 1) long b) {
    byte[] ka = RecordCodec.orderKey(a);
    byte[] kb = RecordCodec.orderKey(b);
    assertThat(ka).hasSize(8);
    assertThat(RecordCodec.getLong(ka, 0)).isEqualTo(a);
    assertThat(Integer.signum(Arrays.compareUnsigned(ka, kb))).isEqualTo(Long.signum(Long.compare(a, b)));
  }

  @Property(tries = 200)
  void aKeyStartsWithItsDevicesPrefixOnly(@ForAll("text") String device, @ForAll("text") String other,
      @ForAll @LongRange(min = 1) long sequence) {
    byte[] key = RecordCodec.key(RecordCodec.deviceIdBytes(device), sequence);
    assertThat(RecordCodec.startsWith(key, RecordCodec.prefix(RecordCodec.deviceIdBytes(device)))).isTrue();
    assertThat(RecordCodec.startsWith(key, RecordCodec.prefix(RecordCodec.deviceIdBytes(other))))
        .isEqualTo(device.equals(other));
  }

  @Example
  void aPrefixLongerThanTheKeyIsNotItsStart() {
    assertThat(RecordCodec.startsWith(new byte[] {0, 1}, new byte[] {0, 1, 2})).isFalse();
    assertThat(RecordCodec.startsWith(new byte[] {0, 1, 2}, new byte[] {0, 1})).isTrue();
  }

  @Example
  void aRecordOfAnotherVersionIsRefusedNamingTheRecordAndTheVersion() {
    byte[] key = RecordCodec.key(RecordCodec.deviceIdBytes("dev"), 7);
    byte[] value = RecordCodec.value(0, ForwardMessage.builder().messageId("m").build());
    value[0] = 2;
    assertThatThrownBy(() -> RecordCodec.decode(key, value)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dev#7").hasMessageContaining("version byte 2");
    byte[] whole = RecordCodec.value(0, ForwardMessage.builder().messageId("message-id").build());
    assertThatThrownBy(() -> RecordCodec.decode(key, Arrays.copyOf(whole, 12)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("truncated");
  }

  @Example
  void aDeviceIdOverTheKeysLengthFieldIsRefused() {
    assertThatThrownBy(() -> RecordCodec.deviceIdBytes("x".repeat(65_536)))
        .hasMessage("deviceId must be at most 65535 UTF-8 bytes, was 65536");
  }
}
