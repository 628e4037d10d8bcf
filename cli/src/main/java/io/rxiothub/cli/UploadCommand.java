// `rxiothub upload`: a file to the hub's Blob storage through the device's file upload (protocol.md §16), with a
// progress bar and a summary.
package io.rxiothub.cli;

import io.reactivex.rxjava3.disposables.Disposable;
import io.rxiothub.device.ClientBuilder;
import io.rxiothub.device.DeviceClient;
import io.rxiothub.device.IotHubClient;
import io.rxiothub.device.IotHubFileUploadException;
import io.rxiothub.device.ModuleClient;
import io.rxiothub.device.UploadProgress;
import io.rxiothub.sas.ConnectionString;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Uploads one file; Ctrl-C aborts it, and the hub is told the upload failed. */
@Command(name = "upload", mixinStandardHelpOptions = true,
    description = {"Upload a file as the device: the hub hands out a blob SAS URI, the file goes to its Blob storage"
        + " block by block (two blocks in memory), then the hub is notified.",
        "With `rxiothub emulator` running, pass --ca-file and --https-port with what it printed (its WebSocket"
            + " port). The blob is {deviceId}/NAME."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:uploaded and the hub notified", "1:the hub or storage refused, or the upload failed",
        "2:bad option or input (no such file, a blob name breaking storage's rules)",
        "130:stopped by Ctrl-C (the hub is told the upload failed)"})
final class UploadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin DeviceOptions device;

  @Parameters(paramLabel = "FILE", description = "The file to upload.")
  Path file;

  @Option(names = "--blob-name", paramLabel = "NAME",
      description = "The blob name under {deviceId}/ (default: the file's name).")
  @Nullable String blobName;

  @Option(names = "--https-port", paramLabel = "N", defaultValue = "443",
      description = "The hub's HTTPS port (default: ${DEFAULT-VALUE}; the emulator's is its WebSocket port).")
  int httpsPort = 443;

  @Option(names = "--block-size", paramLabel = "KIB", defaultValue = "4096",
      description = "The block size in KiB, 64 to 102400 (default: ${DEFAULT-VALUE}).")
  int blockSizeKib = 4096;

  @Override
  public Integer call() throws Exception {
    File source = file.toFile();
    if (!source.isFile() || !source.canRead()) {
      throw new IllegalArgumentException("FILE " + file + " is not a readable file");
    }
    String name = blobName != null ? blobName : source.getName();
    ConnectionString cs = device.parsedConnectionString();
    X509Certificate[] trusted = device.trustedCertificates();
    ClientBuilder<?> builder = cs.isModule() ? ModuleClient.builder().connectionString(cs)
        : DeviceClient.builder().connectionString(cs);
    builder.httpsPort(httpsPort).fileUploadBlockSize(blockSizeKib * 1024).productInfo("rxiothub-cli");
    if (trusted != null) {
      builder.trustedCertificates(trusted);
    }
    PrintWriter out = spec.commandLine().getOut();
    Style style = Style.of(spec);
    long length = source.length();
    try (StopSignal stop = StopSignal.install();
        IotHubClient client = cs.isModule() ? ((ModuleClient.Builder) builder).build()
            : ((DeviceClient.Builder) builder).build();
        ProgressBar bar = System.console() != null ? progressBar(style, length) : null) {
      CompletableFuture<@Nullable Throwable> done = new CompletableFuture<>();
      AtomicLong sent = new AtomicLong();
      long start = System.nanoTime();
      Disposable upload = client.files().upload(name, source).subscribe(p -> {
        sent.set(p.bytesSent());
        if (bar != null) {
          bar.stepTo(p.bytesSent());
        }
      }, done::complete, () -> done.complete(null));
      while (!done.isDone()) {
        if (stop.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          upload.dispose();
          out.println(style.dim("stopped: the upload was aborted and the hub told it failed"));
          return ExitCodes.INTERRUPTED;
        }
      }
      Throwable error = done.get();
      if (error != null) {
        throw new CliException(ExitCodes.FAILED, "the upload of " + file + " failed: " + error.getMessage()
            + (error instanceof IotHubFileUploadException ? " (" + ((IotHubFileUploadException) error).stage()
                + ")" : ""), error);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (bar != null) {
        bar.stepTo(length);
      }
      out.println(style.bold("uploaded") + " " + sent.get() + " bytes as " + cs.deviceId() + "/" + name + " in "
          + String.format(Locale.ROOT, "%.2f s (%.1f MB/s)", seconds, sent.get() / 1e6 / Math.max(seconds, 1e-9))
          + "; the hub was notified");
      return ExitCodes.OK;
    }
  }

  private ProgressBar progressBar(Style style, long length) {
    return new ProgressBarBuilder()
        .setTaskName("upload")
        .setInitialMax(length)
        .setUnit(" MiB", 1024 * 1024)
        .showSpeed(new java.text.DecimalFormat("#.#"))
        .setUpdateIntervalMillis(200)
        .setStyle(style.enabled() ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(System.err))
        .build();
  }
}
