// JMH microbenchmarks of the twin and method topic grammar (public APIs of the twin and methods modules),
// parsed or formatted once per twin response, desired update, method request and method reply.
package io.rxiothub.benchmarks.jmh;

import io.rxiothub.methods.MethodRequest;
import io.rxiothub.methods.MethodTopic;
import io.rxiothub.twin.TwinTopic;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Cost of parsing and formatting {@code $iothub/twin/...} and {@code $iothub/methods/...} topics. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TopicBenchmark {

  private final String twinResponse = "$iothub/twin/res/204/?$rid=4711&$version=124";
  private final String desiredPatch = "$iothub/twin/PATCH/properties/desired/?$version=13";
  private final String methodRequest = "$iothub/methods/POST/reboot/?$rid=1a2b3c";
  private final byte[] methodBody = "{\"delay\":5}".getBytes(StandardCharsets.UTF_8);

  /** A twin response topic (status, {@code $rid}, {@code $version}). */
  @Benchmark
  public TwinTopic parseTwinResponse() {
    return TwinTopic.parse(twinResponse);
  }

  /** A desired-properties notification topic. */
  @Benchmark
  public TwinTopic parseDesiredPatch() {
    return TwinTopic.parse(desiredPatch);
  }

  /** The topic of a reported-properties PATCH request. */
  @Benchmark
  public String formatPatchReported() {
    return TwinTopic.patchReported("4711").format();
  }

  /** A method request topic. */
  @Benchmark
  public MethodTopic parseMethodRequest() {
    return MethodTopic.parse(methodRequest);
  }

  /** A method request value from a PUBLISH (topic and JSON body), as a device receives it. */
  @Benchmark
  public MethodRequest methodRequestFromPublish() {
    return MethodRequest.fromPublish(methodRequest, methodBody);
  }

  /** The topic of a method reply. */
  @Benchmark
  public String formatMethodResponse() {
    return MethodTopic.response(200, "1a2b3c").format();
  }
}
