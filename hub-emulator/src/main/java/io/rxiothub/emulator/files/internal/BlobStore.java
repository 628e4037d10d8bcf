// The built-in storage face's blobs: committed block blobs and the uncommitted blocks of each, in memory or, with a
// data dir, as files that survive a restart (docs/protocol.md §16.3).
package io.rxiothub.emulator.files.internal;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Thread-safe (one lock per store: the emulator serves a handful of uploads at once). */
abstract class BlobStore {

  /** Storage's limit of uncommitted blocks per blob. */
  static final int MAX_UNCOMMITTED_BLOCKS = 100_000;

  /** Blobs in memory, gone when the emulator stops. */
  static BlobStore inMemory() {
    return new MemoryBlobStore();
  }

  /** Blobs as files under {@code dir} (created if missing), kept across restarts. */
  static BlobStore inDirectory(Path dir) {
    return new DiskBlobStore(dir);
  }

  /** Stores a blob whole (Put Blob), dropping its uncommitted blocks. */
  abstract void putBlob(String container, String blob, byte[] content);

  /** Stores an uncommitted block (Put Block); 409 once the blob has {@link #MAX_UNCOMMITTED_BLOCKS}. */
  abstract void putBlock(String container, String blob, String blockId, byte[] content);

  /** Commits the listed uncommitted blocks in order (Put Block List); returns the blob's size. */
  abstract long commit(String container, String blob, List<String> blockIds);

  /** A committed blob's content, or null. */
  abstract byte @Nullable [] get(String container, String blob);

  /** A committed blob's size in bytes, or -1 when there is none. */
  abstract long size(String container, String blob);

  /** The committed blob names of a container, sorted. */
  abstract List<String> names(String container);

  static String key(String container, String blob) {
    return container + "/" + blob;
  }

  static FileError unknownBlock(String id) {
    return FileError.storage(400, "InvalidBlockList", "block id '" + id + "' is not an uncommitted block of this"
        + " blob: Put Block it first");
  }

  static FileError tooManyBlocks() {
    return FileError.storage(409, "BlockCountExceedsLimit", "the blob has " + MAX_UNCOMMITTED_BLOCKS
        + " uncommitted blocks: commit them with Put Block List first");
  }
}
