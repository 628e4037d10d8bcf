// The built-in Blob storage face (docs/protocol.md §16.3): Put Blob, Put Block, Put Block List and Get Blob on
// /emulatorstorage/{container}/{blob}, each authorized by a service SAS signed with the face's own key.
package io.rxiothub.emulator.files.internal;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.files.FileUploads;
import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpCall;
import io.rxiothub.emulator.http.HttpRoutes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Serves the face; faults from {@link StorageFaults} come first. */
final class StorageRoutes {

  private static final Pattern BLOCK = Pattern.compile("<(Latest|Uncommitted|Committed)>([^<]*)</\\1>");
  private static final String VERSION = "2020-10-02";

  private final BlobStore store;
  private final String accountKey;
  private final Clock clock;
  private final StorageFaults faults;

  /** The face; with {@code dir} its blobs and account key are kept there across restarts, else in memory. */
  StorageRoutes(Clock clock, StorageFaults faults, @Nullable Path dir) {
    this.store = dir == null ? BlobStore.inMemory() : BlobStore.inDirectory(dir);
    this.accountKey = dir == null ? newKey() : savedKey(dir.resolve("account-key"));
    this.clock = clock;
    this.faults = faults;
  }

  private static String newKey() {
    byte[] key = new byte[64];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** The key in {@code file}, made (readable by its owner only) when missing, so SAS URIs outlive a restart. */
  private static String savedKey(Path file) {
    try {
      if (Files.isRegularFile(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
      }
      String key = newKey();
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(temp);
      if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(temp, key, StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      return key;
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep the built-in storage's account key in " + file + ": "
          + e.getMessage(), e);
    }
  }

  String accountKey() {
    return accountKey;
  }

  BlobStore store() {
    return store;
  }

  void install(HttpRoutes routes) {
    String template = "/" + FileUploads.STORAGE_ACCOUNT + "/{container}/{blob}";
    routes.add("PUT", template, call -> answer(call, 'w', this::put));
    routes.add("GET", template, call -> answer(call, 'r', this::get));
  }

  private Single<HttpAnswer> answer(HttpCall call, char permission, Function<HttpCall, HttpAnswer> handler) {
    return Single.fromCallable(() -> {
      try {
        Integer injected = faults.next();
        if (injected != null) {
          throw FileError.storage(injected, injected == 503 ? "ServerBusy" : "InternalError",
              "fault injected by the emulator (hub.files().failStorage)");
        }
        String container = call.path("container");
        String blob = call.path("blob");
        String problem = BlobSas.check(call.queryParameters(), FileUploads.STORAGE_ACCOUNT, accountKey, container,
            blob, permission, clock.instant());
        if (problem != null) {
          throw FileError.storage(403, "AuthenticationFailed", "Server failed to authenticate the request: "
              + problem);
        }
        return handler.apply(call);
      } catch (FileError e) {
        return e.answer();
      }
    });
  }

  private HttpAnswer put(HttpCall call) {
    String container = call.path("container");
    String blob = call.path("blob");
    byte[] body = call.body();
    String comp = call.query("comp");
    if (comp == null) {
      String type = call.header("x-ms-blob-type");
      if (type == null || !type.equals("BlockBlob")) {
        throw FileError.storage(400, "MissingRequiredHeader", "Put Blob needs x-ms-blob-type: BlockBlob (the"
            + " emulator's storage keeps block blobs only)");
      }
      String md5 = checkMd5(call, body);
      store.putBlob(container, blob, body);
      return created(md5);
    }
    if (comp.equals("block")) {
      String id = call.query("blockid");
      if (id == null || id.isEmpty() || !isBase64(id) || Base64.getDecoder().decode(id).length > 64) {
        throw FileError.storage(400, "InvalidQueryParameterValue", "blockid must be Base64 of at most 64 bytes");
      }
      String md5 = checkMd5(call, body);
      store.putBlock(container, blob, id, body);
      return created(md5);
    }
    if (comp.equals("blocklist")) {
      List<String> ids = new ArrayList<>();
      Matcher m = BLOCK.matcher(new String(body, StandardCharsets.UTF_8));
      while (m.find()) {
        ids.add(m.group(2).trim());
      }
      if (ids.isEmpty() && !new String(body, StandardCharsets.UTF_8).contains("BlockList")) {
        throw FileError.storage(400, "InvalidXmlDocument", "Put Block List needs <BlockList><Latest>{id}</Latest>"
            + "…</BlockList>");
      }
      store.commit(container, blob, ids);
      return created(null);
    }
    throw FileError.storage(400, "InvalidQueryParameterValue", "comp=" + comp + " is not served by the emulator's"
        + " storage (block, blocklist, or none for Put Blob)");
  }

  private HttpAnswer get(HttpCall call) {
    byte[] content = store.get(call.path("container"), call.path("blob"));
    if (content == null) {
      throw FileError.storage(404, "BlobNotFound", "The specified blob does not exist.");
    }
    return HttpAnswer.builder().status(200).header("Content-Type", "application/octet-stream")
        .header("x-ms-blob-type", "BlockBlob").header("x-ms-version", VERSION)
        .header("Content-MD5", Base64.getEncoder().encodeToString(md5(content))).body(content).build();
  }

  private static HttpAnswer created(@Nullable String md5) {
    HttpAnswer.Builder b = HttpAnswer.builder().status(201).header("x-ms-version", VERSION)
        .header("x-ms-request-server-encrypted", "false")
        .header("ETag", "\"0x" + Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT) + "\"");
    if (md5 != null) {
      b.header("Content-MD5", md5);
    }
    return b.build();
  }

  /** The body's MD5 (Base64); 400 Md5Mismatch when the request's Content-MD5 differs. */
  private static String checkMd5(HttpCall call, byte[] body) {
    String md5 = Base64.getEncoder().encodeToString(md5(body));
    String sent = call.header("Content-MD5");
    if (sent != null && !sent.equals(md5)) {
      throw FileError.storage(400, "Md5Mismatch", "The MD5 value specified in the request did not match with the"
          + " MD5 value calculated by the server.");
    }
    return md5;
  }

  private static byte[] md5(byte[] body) {
    try {
      return MessageDigest.getInstance("MD5").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  private static boolean isBase64(String text) {
    try {
      Base64.getDecoder().decode(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
