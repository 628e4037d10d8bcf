// JMH microbenchmark of percent-encoding, on the path of every property-bag key and value.
package io.rxiothub.benchmarks.jmh;

import io.rxiothub.sas.PercentEncoding;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Cost of encoding and decoding typical property values. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PercentEncodingBenchmark {

  private final String plain = "temperatureAlert";
  private final String mixed = "a&b=c/d%e é value with space";
  private final String encoded = PercentEncoding.encode(mixed);

  /** An unreserved value: the fast path. */
  @Benchmark
  public String encodeUnreserved() {
    return PercentEncoding.encode(plain);
  }

  /** A value with reserved and non-ASCII characters. */
  @Benchmark
  public String encodeMixed() {
    return PercentEncoding.encode(mixed);
  }

  /** Decoding the same value back. */
  @Benchmark
  public String decodeMixed() {
    return PercentEncoding.decode(encoded);
  }
}
