// The file upload face: the hub's device endpoints (SAS URI, notification) with their limits, the storage they
// point at, and the notifications kept and streamed (docs/protocol.md §16).
package io.rxiothub.emulator.files.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reactivex.rxjava3.annotations.CheckReturnValue;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.processors.FlowableProcessor;
import io.reactivex.rxjava3.processors.PublishProcessor;
import io.rxiothub.emulator.files.FileUploadNotification;
import io.rxiothub.emulator.files.FileUploads;
import io.rxiothub.emulator.files.StorageAccount;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import io.rxiothub.emulator.internal.Identity;
import io.rxiothub.emulator.internal.RegistryStore;
import io.rxiothub.sas.PercentEncoding;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One per emulator; thread-safe. */
public final class FileUploadService implements FileUploads {

  private static final Logger LOG = LoggerFactory.getLogger(FileUploadService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEPT_PER_DEVICE = 1000;

  private final RegistryStore registry;
  private final Clock clock;
  private final IntSupplier httpsPort;
  private final IntConsumer storageCuts;
  private final IntSupplier storageCutsDone;
  private final DeviceAuth auth;
  private final StorageFaults storageFaults = new StorageFaults();
  private final StorageFaults hubFaults = new StorageFaults();
  private final StorageRoutes storage;
  private final FlowableProcessor<FileUploadNotification> stream = PublishProcessor.<FileUploadNotification>create()
      .toSerialized();
  private final Map<String, Slot> slots = new HashMap<>();
  private final Map<String, Deque<FileUploadNotification>> kept = new HashMap<>();
  private @Nullable StorageAccount external;
  private Duration sasTimeToLive = Duration.ofHours(1);

  /** An upload the hub handed out a SAS URI for and has not been told the end of. */
  private record Slot(Identity identity, String container, String blobName, String blobUri, boolean builtIn,
      Instant expiry) {}

  /**
   * The face over {@code registry}; {@code httpsPort} gives the bound HTTPS (WebSocket) port once started,
   * {@code storageCuts} arms the front's mid-body cuts of storage uploads and {@code storageCutsDone} counts them;
   * with {@code storageDir} the built-in storage keeps its blobs there (across restarts), else in memory.
   */
  public FileUploadService(RegistryStore registry, Clock clock, IntSupplier httpsPort, IntConsumer storageCuts,
      IntSupplier storageCutsDone, @Nullable Path storageDir) {
    this.registry = registry;
    this.clock = clock;
    this.httpsPort = httpsPort;
    this.storageCuts = storageCuts;
    this.storageCutsDone = storageCutsDone;
    this.auth = new DeviceAuth(registry);
    this.storage = new StorageRoutes(clock, storageFaults, storageDir);
  }

  /** Adds the hub's file routes and the built-in storage face's routes. */
  public void install(HttpRoutes routes) {
    for (String identity : new String[] {"/devices/{id}", "/devices/{id}/modules/{mid}"}) {
      routes.add("POST", identity + "/files", call -> hub(call, this::sasUri));
      routes.add("POST", identity + "/files/notifications", call -> hub(call, this::notification));
    }
    storage.install(routes);
  }

  private Single<HttpAnswer> hub(HttpCall call, Function<HttpCall, HttpAnswer> handler) {
    return Single.fromCallable(() -> {
      try {
        Integer injected = hubFaults.next();
        if (injected != null) {
          throw FileError.hub(injected, injected == 429 ? "ThrottlingException" : "ServerError", injected * 1000 + 1,
              "fault injected by the emulator (hub.files().failHubRequests)");
        }
        Identity identity = identity(call);
        auth.check(call.header("Authorization"), call.clientCertificates(), identity, clock.instant());
        return handler.apply(call);
      } catch (FileError e) {
        return e.answer();
      }
    });
  }

  private static Identity identity(HttpCall call) {
    String[] segments = call.path().split("/");
    boolean module = segments.length > 4 && segments[3].equals("modules");
    return new Identity(call.path("id"), module ? call.path("mid") : null);
  }

  private HttpAnswer sasUri(HttpCall call) {
    Identity identity = identity(call);
    ObjectNode body = object(call.body(), "the SAS URI request");
    JsonNode name = body.get("blobName");
    if (name == null || !name.isTextual()) {
      throw FileError.badRequest("blobName is missing: send {\"blobName\":\"{name}\"}");
    }
    if (name.asText().isEmpty()) {
      throw FileError.badRequest("blobName must not be empty");
    }
    String blobName = identity.deviceId() + "/" + (identity.moduleId() == null ? "" : identity.moduleId() + "/")
        + name.asText();
    String problem = BlobNames.problem(blobName);
    if (problem != null) {
      throw FileError.badRequest(problem);
    }
    Instant now = clock.instant();
    Instant expiry = now.plus(sasTimeToLive());
    StorageAccount account;
    String hostName;
    String container;
    String sas;
    synchronized (this) {
      purgeExpired(now);
      int active = activeUploads(identity.deviceId(), now);
      if (active >= MAX_CONCURRENT_UPLOADS) {
        throw FileError.hub(403, "DeviceMaximumActiveFileUploadLimitExceeded", 403006, "device '"
            + identity.deviceId() + "' has " + active + " file uploads in progress, the hub's limit is "
            + MAX_CONCURRENT_UPLOADS + ": notify the end of one (POST …/files/notifications) or wait until its"
            + " SAS expires");
      }
      account = external;
    }
    if (account == null) {
      hostName = registry.hostName() + ":" + httpsPort.getAsInt() + "/" + STORAGE_ACCOUNT;
      container = DEFAULT_CONTAINER;
      sas = BlobSas.sign(STORAGE_ACCOUNT, storage.accountKey(), container, blobName, "rcw", expiry);
    } else {
      hostName = account.hostName();
      container = account.container();
      sas = BlobSas.sign(account.accountName(), account.accountKey(), container, blobName, "rcw", expiry);
    }
    String correlationId = UUID.randomUUID().toString();
    String blobUri = "https://" + hostName + "/" + container + "/" + PercentEncoding.encode(blobName);
    synchronized (this) {
      slots.put(correlationId, new Slot(identity, container, blobName, blobUri, account == null, expiry));
    }
    LOG.debug("hub emulator: {} may upload {} (correlation {})", identity, blobName, correlationId);
    ObjectNode answer = JSON.createObjectNode().put("correlationId", correlationId).put("hostName", hostName)
        .put("containerName", container).put("blobName", blobName).put("sasToken", "?" + sas);
    return HttpAnswer.json(200, answer.toString());
  }

  private HttpAnswer notification(HttpCall call) {
    Identity identity = identity(call);
    ObjectNode body = object(call.body(), "the file upload notification");
    JsonNode correlation = body.get("correlationId");
    JsonNode success = body.get("isSuccess");
    if (correlation == null || !correlation.isTextual() || success == null || !success.isBoolean()) {
      throw FileError.badRequest("the notification needs correlationId (a string) and isSuccess (a boolean):"
          + " {\"correlationId\":…,\"isSuccess\":true,\"statusCode\":200,\"statusDescription\":…}");
    }
    JsonNode code = body.get("statusCode");
    JsonNode description = body.get("statusDescription");
    Slot slot;
    synchronized (this) {
      slot = slots.get(correlation.asText());
      if (slot == null || !slot.identity().equals(identity)) {
        throw FileError.badRequest("correlationId '" + correlation.asText() + "' is not a file upload of "
            + identity + " in progress (unknown, already notified, or its SAS expired)");
      }
      slots.remove(correlation.asText());
    }
    long size = -1;
    if (slot.builtIn()) {
      size = storage.store().size(slot.container(), slot.blobName());
    }
    FileUploadNotification n = FileUploadNotification.builder().deviceId(identity.deviceId())
        .moduleId(identity.moduleId()).correlationId(correlation.asText()).blobName(slot.blobName())
        .blobUri(slot.blobUri()).success(success.asBoolean()).statusCode(code == null ? 0 : code.asInt())
        .statusDescription(description == null || description.isNull() ? "" : description.asText())
        .blobSizeInBytes(size).enqueuedTime(clock.instant()).build();
    synchronized (this) {
      Deque<FileUploadNotification> list = kept.computeIfAbsent(identity.deviceId(), k -> new ArrayDeque<>());
      if (list.size() >= KEPT_PER_DEVICE) {
        list.removeFirst();
      }
      list.addLast(n);
    }
    LOG.info("hub emulator: file upload of {} by {} {} ({} {})", slot.blobName(), identity,
        n.success() ? "succeeded" : "failed", n.statusCode(), n.statusDescription());
    stream.onNext(n);
    return HttpAnswer.builder().status(204).build();
  }

  private static ObjectNode object(byte[] body, String what) {
    if (body.length == 0) {
      throw FileError.badRequest(what + " has no body: send a JSON object");
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node instanceof ObjectNode object) {
        return object;
      }
    } catch (IOException e) {
      throw FileError.badRequest(what + " is not valid JSON");
    }
    throw FileError.badRequest(what + " must be a JSON object");
  }

  private void purgeExpired(Instant now) {
    for (Iterator<Slot> it = slots.values().iterator(); it.hasNext();) {
      if (!now.isBefore(it.next().expiry())) {
        it.remove();
      }
    }
  }

  private synchronized int activeUploads(String deviceId, Instant now) {
    int n = 0;
    for (Slot slot : slots.values()) {
      if (slot.identity().deviceId().equals(deviceId) && now.isBefore(slot.expiry())) {
        n++;
      }
    }
    return n;
  }

  @Override
  @CheckReturnValue
  public Flowable<FileUploadNotification> notifications() {
    return stream.onBackpressureBuffer();
  }

  @Override
  public synchronized List<FileUploadNotification> notifications(String deviceId) {
    if (deviceId == null) {
      throw new IllegalArgumentException("deviceId must not be null");
    }
    Deque<FileUploadNotification> list = kept.get(deviceId);
    return list == null ? List.of() : List.copyOf(list);
  }

  /** The notifications of every device so far, oldest first per device (the console's files page). */
  synchronized List<FileUploadNotification> allNotifications() {
    List<FileUploadNotification> all = new ArrayList<>();
    for (Deque<FileUploadNotification> list : kept.values()) {
      all.addAll(list);
    }
    return all;
  }

  @Override
  public Optional<byte[]> blob(String blobName) {
    if (blobName == null) {
      throw new IllegalArgumentException("blobName must not be null");
    }
    byte[] content = storage.store().get(DEFAULT_CONTAINER, blobName);
    return content == null ? Optional.empty() : Optional.of(content.clone());
  }

  @Override
  public List<String> blobNames() {
    return new ArrayList<>(storage.store().names(DEFAULT_CONTAINER));
  }

  @Override
  public synchronized void useStorage(StorageAccount account) {
    if (account == null) {
      throw new IllegalArgumentException("account must not be null");
    }
    this.external = account;
  }

  @Override
  public synchronized void useBuiltInStorage() {
    this.external = null;
  }

  @Override
  public synchronized void sasTimeToLive(Duration timeToLive) {
    if (timeToLive == null || timeToLive.compareTo(Duration.ofSeconds(1)) < 0
        || timeToLive.compareTo(Duration.ofHours(24)) > 0) {
      throw new IllegalArgumentException("timeToLive must be 1 second to 24 hours");
    }
    this.sasTimeToLive = timeToLive;
  }

  private synchronized Duration sasTimeToLive() {
    return sasTimeToLive;
  }

  @Override
  public int activeUploads(String deviceId) {
    if (deviceId == null) {
      throw new IllegalArgumentException("deviceId must not be null");
    }
    return activeUploads(deviceId, clock.instant());
  }

  @Override
  public void failStorage(int status, int count) {
    storageFaults.fail(checkStatus(status, count), count);
  }

  @Override
  public void cutStorageUploads(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    storageCuts.accept(count);
  }

  @Override
  public int storageUploadsCut() {
    return storageCutsDone.getAsInt();
  }

  @Override
  public void failHubRequests(int status, int count) {
    hubFaults.fail(checkStatus(status, count), count);
  }

  private static int checkStatus(int status, int count) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be in 400..599, got " + status);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
    return status;
  }

  @Override
  public String toString() {
    StorageAccount account = external;
    return "FileUploads{" + (account == null ? "built-in storage" : account.toString()) + "}";
  }
}
