// JMH microbenchmarks of the per-message public paths of device-client and the twin module: building a D2C
// Message (the value every send starts from) and parsing twin JSON.
package io.rxiothub.benchmarks.jmh;

import io.rxiothub.device.CloudMessage;
import io.rxiothub.device.Message;
import io.rxiothub.twin.Twin;
import io.rxiothub.twin.TwinPatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Per-message value costs (the property-bag codec itself is in {@link PropertyBagBenchmark}). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MessageBenchmark {

  private final byte[] payload = new byte[256];
  private final String twinJson = "{\"desired\":{\"telemetrySendFrequency\":\"5m\",\"$version\":12},"
      + "\"reported\":{\"telemetrySendFrequency\":\"5m\",\"batteryLevel\":55,\"$version\":123}}";
  private final String patchJson = "{\"telemetrySendFrequency\":\"5m\",\"route\":null,\"$version\":13}";

  /** A 256-byte message with three application properties, as the D2C benchmark sends. */
  @Benchmark
  public Message buildMessage() {
    return Message.builder().payload(payload)
        .property("temperature", "21.5").property("unit", "celsius").property("alert", "false").build();
  }

  /** A cloud-to-device message value with a message id and two properties. */
  @Benchmark
  public CloudMessage buildCloudMessage() {
    return CloudMessage.builder().payload(payload).property("$.mid", "abc")
        .property("prop1", "value 1").property("odd key", "a&b=c/d%eé").build();
  }

  /** The twin document of a GET response. */
  @Benchmark
  public Twin parseTwin() {
    return Twin.parse(twinJson);
  }

  /** A desired-properties patch. */
  @Benchmark
  public TwinPatch parseDesiredPatch() {
    return TwinPatch.parse(patchJson);
  }
}
