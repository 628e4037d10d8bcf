// Builds the parts of one emulated hub on its runtime (registry, faults, file upload, service, console, edge and DPS
// faces) and closes them in order.
package io.rxiothub.emulator;

import io.rxiothub.emulator.console.internal.ConsoleFace;
import io.rxiothub.emulator.dps.DpsEndpoint;
import io.rxiothub.emulator.dps.internal.EnrollmentRoutes;
import io.rxiothub.emulator.edge.internal.EdgeFace;
import io.rxiothub.emulator.edge.internal.EdgeServiceRoutes;
import io.rxiothub.emulator.files.internal.FileUploadService;
import io.rxiothub.emulator.files.internal.FilesConsole;
import io.rxiothub.emulator.internal.HubCore;
import io.rxiothub.emulator.internal.HubRuntime;
import io.rxiothub.emulator.internal.HubSettings;
import io.rxiothub.emulator.service.internal.ServiceAuth;
import io.rxiothub.emulator.service.internal.ServiceFace;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The hub's parts, wired once: each face installs its routes on the runtime's HTTPS route table. The DPS endpoint is
 * made on first use (by the factory the facade gives, as it needs the facade) and closed first. Thread-safe.
 */
final class HubParts {

  final HubRuntime runtime;
  final HubCore core;
  final DeviceRegistry registry;
  final Faults faults;
  final FileUploadService files;
  final EdgeFace edge;
  /** Counted down when a service client asks the emulator's process to stop. */
  final CountDownLatch shutdownRequest = new CountDownLatch(1);
  private final ConsoleFace console;
  private final Runnable stopServiceWork;
  private final Function<KeyManagerFactory, DpsEndpoint> newDps;
  private @Nullable DpsEndpoint dps;

  HubParts(HubSettings settings, Function<KeyManagerFactory, DpsEndpoint> newDps) {
    this.newDps = newDps;
    this.runtime = new HubRuntime(settings);
    this.core = runtime.core();
    this.registry = new DeviceRegistry(core.registry());
    this.faults = new Faults(core.faults(), core::acceptedConnections, runtime::outage, runtime::restart);
    this.files = new FileUploadService(core.registry(), settings.clock(), runtime::webSocketPort,
        core.faults()::cutStorageUploads, core.faults()::storageCutsDone,
        settings.dataDir() == null ? null : settings.dataDir().resolve("blob-storage"));
    this.stopServiceWork = ServiceFace.install(runtime.routes(), core, settings.clock(), shutdownRequest::countDown,
        files.notifications());
    this.console = ConsoleFace.install(runtime.routes(), core, settings.clock());
    files.install(runtime.routes());
    FilesConsole.install(runtime.routes(), console.pages(), files, core.registry(), settings.clock());
    this.edge = new EdgeFace(core, () -> runtime.tls().caCertificatePem());
    EdgeServiceRoutes.install(runtime.routes(), edge, core.registry(),
        new ServiceAuth(core.registry(), settings.clock()));
    EnrollmentRoutes.install(runtime.routes(), this::dps, settings.hostName(),
        new ServiceAuth(core.registry(), settings.clock()), settings.clock());
  }

  /** The DPS endpoint, made on first call. */
  synchronized DpsEndpoint dps() {
    if (dps == null) {
      dps = newDps.apply(runtime.tls().keyManagerFactory());
    }
    return dps;
  }

  /** Closes the DPS endpoint (if made), the service's background work, the edge face, the runtime, the console. */
  void close() {
    synchronized (this) {
      if (dps != null) {
        dps.close();
      }
    }
    stopServiceWork.run();
    edge.close();
    runtime.close();
    console.close();
  }
}
