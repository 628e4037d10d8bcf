// `rxiothub upload` against the hub emulator: a file goes to its Blob storage, the summary names the blob, a bad blob
// name is a usage error, a refusing storage a failure; `rxiothub emulator` prints the notification.
package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.emulator.DeviceIdentity;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.HubEmulatorExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UploadCommandIT {

  @RegisterExtension
  static final HubEmulatorExtension HUB = new HubEmulatorExtension();

  static DeviceIdentity device;

  @BeforeAll
  static void register() {
    device = HUB.createDevice("uploader");
  }

  private static String[] upload(HubEmulator hub, String... more) {
    return Cli.concat(new String[] {"upload", "-c", device.connectionString(), "--ca-file", hub.caFile().toString(),
        "--https-port", Integer.toString(hub.webSocketPort()), "--block-size", "64"}, more);
  }

  @Test
  void uploadsAFileInBlocksAndSummarises(HubEmulator hub, @TempDir Path dir) throws Exception {
    byte[] bytes = new byte[200_000];
    new Random(1).nextBytes(bytes);
    Path file = dir.resolve("report.bin");
    Files.write(file, bytes);

    Cli run = Cli.run(upload(hub, "--blob-name", "logs/report.bin", file.toString()));

    assertThat(run.exitCode).as(run.toString()).isZero();
    assertThat(run.out).contains("uploaded 200000 bytes as uploader/logs/report.bin").contains("the hub was notified");
    assertThat(hub.files().blob("uploader/logs/report.bin")).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    assertThat(hub.files().notifications("uploader")).anyMatch(n -> n.success()
        && n.blobName().equals("uploader/logs/report.bin"));
  }

  @Test
  void aBlobNameBreakingTheRulesIsAUsageError(HubEmulator hub, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("a.txt");
    Files.writeString(file, "a");

    Cli run = Cli.run(upload(hub, "--blob-name", "dir//a.txt", file.toString()));

    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err).contains("empty path segment");
  }

  @Test
  void aStorageThatKeepsFailingFailsTheCommand(HubEmulator hub, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("b.txt");
    Files.writeString(file, "b");
    hub.files().failStorage(403, 1);

    Cli run = Cli.run(upload(hub, file.toString()));

    assertThat(run.exitCode).as(run.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err).contains("403").contains("STORAGE").doesNotContain("sig=");
  }
}
