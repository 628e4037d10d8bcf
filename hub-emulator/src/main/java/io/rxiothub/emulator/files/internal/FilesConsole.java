// The file upload face's part of the web console: its page and its emulator-only routes (docs/console.md §4.1), added
// by this face to the console's page registry and route table so the console itself knows nothing of file uploads.
package io.rxiothub.emulator.files.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.console.internal.ConsolePages;
import io.rxiothub.emulator.files.FileUploadNotification;
import io.rxiothub.emulator.files.FileUploads;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpHandler;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.RegistryStore;
import io.rxiothub.emulator.internal.SharedAccessPolicies.Permission;
import io.rxiothub.emulator.service.internal.HubError;
import io.rxiothub.emulator.service.internal.ServiceAuth;
import java.time.Clock;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The "Uploaded files" page: notifications newest first, and the blobs of the built-in storage face. */
public final class FilesConsole {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Permission> SERVICE = EnumSet.of(Permission.SERVICE_CONNECT);

  private final FileUploadService files;
  private final RegistryStore registry;
  private final ServiceAuth auth;

  private FilesConsole(FileUploadService files, RegistryStore registry, ServiceAuth auth) {
    this.files = files;
    this.registry = registry;
    this.auth = auth;
  }

  /** Adds the page to {@code pages} and its routes to {@code routes}, signed like the service API. */
  public static void install(HttpRoutes routes, ConsolePages pages, FileUploadService files, RegistryStore registry,
      Clock clock) {
    FilesConsole console = new FilesConsole(files, registry, new ServiceAuth(registry, clock));
    routes.add("GET", "/emulator/files/notifications", console.signed(console::notifications));
    routes.add("GET", "/emulator/files/blob", console.signed(console::blob));
    pages.add("files", "Uploaded files", "files.js");
  }

  private HttpHandler signed(Function<HttpCall, HttpAnswer> handler) {
    return call -> Single.fromCallable(() -> {
      auth.check(call.header("Authorization"), SERVICE);
      return handler.apply(call);
    }).onErrorReturn(e -> {
      if (e instanceof HubError hub) {
        return hub.answer();
      }
      if (e instanceof IllegalArgumentException) {
        return HubError.badRequest(String.valueOf(e.getMessage())).answer();
      }
      throw e;
    });
  }

  /** Every kept notification (or those of {@code ?deviceId=}), newest first; the blob URI never carries a SAS. */
  private HttpAnswer notifications(HttpCall call) {
    String deviceId = call.query("deviceId");
    List<FileUploadNotification> list;
    if (deviceId == null || deviceId.isEmpty()) {
      list = files.allNotifications();
    } else {
      if (registry.get(new Identity(deviceId, null)).isEmpty()) {
        throw HubError.notFound(false, "device '" + deviceId + "' is not registered: filter by the id of a"
            + " registered device, or leave deviceId out for every device");
      }
      list = files.notifications(deviceId);
    }
    ArrayNode out = JSON.createArrayNode();
    list.stream().sorted(Comparator.comparing(FileUploadNotification::enqueuedTime).reversed()).forEach(n -> {
      ObjectNode row = out.addObject().put("deviceId", n.deviceId());
      if (n.moduleId() != null) {
        row.put("moduleId", n.moduleId());
      }
      row.put("blobName", n.blobName()).put("blobUri", n.blobUri()).put("success", n.success())
          .put("statusCode", n.statusCode()).put("statusDescription", n.statusDescription())
          .put("enqueuedTime", n.enqueuedTime().toString()).put("correlationId", n.correlationId());
      if (n.blobSizeInBytes() >= 0) {
        row.put("blobSizeInBytes", n.blobSizeInBytes());
      }
      row.put("downloadable", n.blobSizeInBytes() >= 0 && files.blob(n.blobName()).isPresent());
    });
    return HttpAnswer.json(200, out.toString());
  }

  /** {@code ?name=dev1/photo.jpg}: the blob's bytes from the built-in storage face's default container. */
  private HttpAnswer blob(HttpCall call) {
    String name = call.query("name");
    if (name == null || name.isEmpty()) {
      throw HubError.badRequest("name is missing: send ?name={blobName}, e.g. ?name=dev1/photo.jpg");
    }
    Optional<byte[]> content = files.blob(name);
    if (content.isEmpty()) {
      throw new HubError(404, "BlobNotFound", 404001, "the built-in storage has no blob '" + name + "' in container '"
          + FileUploads.DEFAULT_CONTAINER + "' (uploads to external storage are not kept here)");
    }
    String file = name.substring(name.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
    return HttpAnswer.builder().status(200).header("Content-Type", "application/octet-stream")
        .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
        .header("X-Content-Type-Options", "nosniff").header("Cache-Control", "no-store")
        .body(content.get()).build();
  }
}
