// JMH microbenchmarks of the SAS hot paths: signing a token (every connect and renewal) and verifying one
// (every CONNECT the emulator accepts).
package io.rxiothub.benchmarks.jmh;

import io.rxiothub.sas.ConnectionString;
import io.rxiothub.sas.SasToken;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Cost of signing, parsing and verifying SAS tokens. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SasBenchmark {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private final ConnectionString connectionString =
      ConnectionString.parse("HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessKey=" + KEY);
  private final String token = connectionString.newSasToken(1700000000L).format();

  /** Signs a fresh device token. */
  @Benchmark
  public SasToken sign() {
    return connectionString.newSasToken(1700000000L);
  }

  /** Parses a token and verifies it against the device key, as the emulator does on CONNECT. */
  @Benchmark
  public boolean parseAndVerify() {
    return SasToken.parse(token).verify(KEY);
  }

  /** Parses a device connection string. */
  @Benchmark
  public ConnectionString parseConnectionString() {
    return ConnectionString.parse(
        "HostName=contoso.azure-devices.net;DeviceId=dev1;SharedAccessKey=" + KEY);
  }
}
