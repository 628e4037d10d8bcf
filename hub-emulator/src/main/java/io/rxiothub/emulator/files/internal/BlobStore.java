// The built-in storage face's blobs, in memory: committed block blobs and the uncommitted blocks of each.
package io.rxiothub.emulator.files.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Thread-safe (one lock: the emulator serves a handful of uploads at once). */
final class BlobStore {

  /** Storage's limit of uncommitted blocks per blob. */
  static final int MAX_UNCOMMITTED_BLOCKS = 100_000;

  private final Map<String, byte[]> committed = new HashMap<>();
  private final Map<String, Map<String, byte[]>> uncommitted = new HashMap<>();

  private static String key(String container, String blob) {
    return container + "/" + blob;
  }

  synchronized void putBlob(String container, String blob, byte[] content) {
    committed.put(key(container, blob), content);
    uncommitted.remove(key(container, blob));
  }

  synchronized void putBlock(String container, String blob, String blockId, byte[] content) {
    Map<String, byte[]> blocks = uncommitted.computeIfAbsent(key(container, blob), k -> new HashMap<>());
    if (blocks.size() >= MAX_UNCOMMITTED_BLOCKS && !blocks.containsKey(blockId)) {
      throw FileError.storage(409, "BlockCountExceedsLimit", "the blob has " + MAX_UNCOMMITTED_BLOCKS
          + " uncommitted blocks: commit them with Put Block List first");
    }
    blocks.put(blockId, content);
  }

  /** Commits the listed uncommitted blocks in order; returns the blob's size. */
  synchronized long commit(String container, String blob, List<String> blockIds) {
    Map<String, byte[]> blocks = uncommitted.getOrDefault(key(container, blob), new HashMap<>());
    long size = 0;
    List<byte[]> parts = new ArrayList<>();
    for (String id : blockIds) {
      byte[] part = blocks.get(id);
      if (part == null) {
        throw FileError.storage(400, "InvalidBlockList", "block id '" + id + "' is not an uncommitted block of"
            + " this blob: Put Block it first");
      }
      parts.add(part);
      size += part.length;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw FileError.storage(413, "RequestBodyTooLarge", "the emulator's built-in storage keeps blobs in memory,"
          + " up to 2 GiB; use Azurite (hub.files().useStorage(...)) for larger ones");
    }
    byte[] content = new byte[(int) size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, content, at, part.length);
      at += part.length;
    }
    committed.put(key(container, blob), content);
    uncommitted.remove(key(container, blob));
    return size;
  }

  synchronized byte @Nullable [] get(String container, String blob) {
    return committed.get(key(container, blob));
  }

  synchronized List<String> names(String container) {
    TreeSet<String> names = new TreeSet<>();
    String prefix = container + "/";
    for (String k : committed.keySet()) {
      if (k.startsWith(prefix)) {
        names.add(k.substring(prefix.length()));
      }
    }
    return new ArrayList<>(names);
  }
}
