// The built-in storage face's blobs in memory (no data dir): gone when the emulator stops.
package io.rxiothub.emulator.files.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Blobs up to 2 GiB (one array each). */
final class MemoryBlobStore extends BlobStore {

  private final Map<String, byte[]> committed = new HashMap<>();
  private final Map<String, Map<String, byte[]>> uncommitted = new HashMap<>();

  @Override
  synchronized void putBlob(String container, String blob, byte[] content) {
    committed.put(key(container, blob), content);
    uncommitted.remove(key(container, blob));
  }

  @Override
  synchronized void putBlock(String container, String blob, String blockId, byte[] content) {
    Map<String, byte[]> blocks = uncommitted.computeIfAbsent(key(container, blob), k -> new HashMap<>());
    if (blocks.size() >= MAX_UNCOMMITTED_BLOCKS && !blocks.containsKey(blockId)) {
      throw tooManyBlocks();
    }
    blocks.put(blockId, content);
  }

  @Override
  synchronized long commit(String container, String blob, List<String> blockIds) {
    Map<String, byte[]> blocks = uncommitted.getOrDefault(key(container, blob), new HashMap<>());
    long size = 0;
    List<byte[]> parts = new ArrayList<>();
    for (String id : blockIds) {
      byte[] part = blocks.get(id);
      if (part == null) {
        throw unknownBlock(id);
      }
      parts.add(part);
      size += part.length;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw FileError.storage(413, "RequestBodyTooLarge", "the emulator's built-in storage keeps blobs in memory,"
          + " up to 2 GiB, without a data dir; give it one (--data-dir), or use Azurite (hub.files().useStorage(...))");
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

  @Override
  synchronized byte @Nullable [] get(String container, String blob) {
    return committed.get(key(container, blob));
  }

  @Override
  synchronized long size(String container, String blob) {
    byte[] content = committed.get(key(container, blob));
    return content == null ? -1 : content.length;
  }

  @Override
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
