// JMH microbenchmarks of the property-bag path of every D2C send and C2D receive (device-client's internal codec:
// the benchmarks module is not published, so it may reach in).
package io.rxiothub.benchmarks.jmh;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.Message;
import io.rxiothub.device.internal.MessageCodec;
import io.rxiothub.sas.PropertyBag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Cost of encoding a telemetry topic and decoding a cloud-to-device property bag. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PropertyBagBenchmark {

  private final MessageCodec codec = new MessageCodec("bench-device", null);
  private final Message message = Message.builder().payload(new byte[256])
      .property("temperature", "21.5").property("unit", "celsius").property("alert", "false").build();
  private final Map<String, String> properties = new LinkedHashMap<>();
  private final String c2dBag = "%24.mid=6b1f0c3e-5a7d-4d7e-9b0a-2f1f9f3b8c11&%24.to=%2Fdevices%2Fbench-device"
      + "%2Fmessages%2Fdevicebound&%24.ce=utf-8&%24.ct=application%2Fjson&iothub-ack=full&prop1=value%201"
      + "&odd%20key=a%26b%3Dc%2Fd%25e%C3%A9";
  private final String c2dTopic = "devices/bench-device/messages/devicebound/" + c2dBag;
  private final byte[] payload = new byte[256];

  {
    properties.put("$.cdid", "bench-device");
    properties.put("temperature", "21.5");
    properties.put("unit", "celsius");
    properties.put("alert", "false");
  }

  /** The property bag of a D2C message ({@code $.cdid} and three application properties). */
  @Benchmark
  public String encodeBag() {
    return PropertyBag.encode(properties);
  }

  /** The whole telemetry topic of the D2C benchmark's message, as {@code send} builds it. */
  @Benchmark
  public String telemetryTopic() {
    return codec.telemetryTopic(message);
  }

  /** The size check every {@code send} makes before accepting a message. */
  @Benchmark
  public int hubSize() {
    return codec.hubSize(message);
  }

  /** A cloud-to-device property bag with system properties, an odd key and non-ASCII text. */
  @Benchmark
  public Map<String, String> decodeBag() {
    return PropertyBag.decode(c2dBag);
  }

  /** A cloud-to-device PUBLISH to the {@code CloudMessage} a subscriber receives. */
  @Benchmark
  public CloudMessage decodeCloudMessage() {
    return codec.decodeCloudMessage(c2dTopic, payload);
  }
}
