// The built-in storage face's blobs as files in the data dir, kept across restarts: committed/{h}.blob with its name
// in committed/{h}.name (h = SHA-256 of container/blob, so any blob name makes a safe file name), and the
// uncommitted blocks of a blob in uncommitted/{h}/{hex of the block id}.
package io.rxiothub.emulator.files.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** A commit streams the block files into the blob's file: no size limit beyond the disk. */
final class DiskBlobStore extends BlobStore {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final Path committed;
  private final Path uncommitted;

  DiskBlobStore(Path dir) {
    this.committed = dir.resolve("committed");
    this.uncommitted = dir.resolve("uncommitted");
    try {
      Files.createDirectories(committed);
      Files.createDirectories(uncommitted);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the built-in storage's folders under " + dir + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  synchronized void putBlob(String container, String blob, byte[] content) {
    String h = hash(key(container, blob));
    try {
      Path temp = committed.resolve(h + ".tmp");
      Files.write(temp, content);
      install(h, key(container, blob), temp);
      deleteBlocks(h);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  synchronized void putBlock(String container, String blob, String blockId, byte[] content) {
    Path blocks = uncommitted.resolve(hash(key(container, blob)));
    Path file = blocks.resolve(hex(blockId.getBytes(StandardCharsets.UTF_8)));
    try {
      Files.createDirectories(blocks);
      if (!Files.exists(file)) {
        try (Stream<Path> held = Files.list(blocks)) {
          if (held.count() >= MAX_UNCOMMITTED_BLOCKS) {
            throw tooManyBlocks();
          }
        }
      }
      Files.write(file, content);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  synchronized long commit(String container, String blob, List<String> blockIds) {
    String h = hash(key(container, blob));
    Path blocks = uncommitted.resolve(h);
    List<Path> parts = new ArrayList<>();
    for (String id : blockIds) {
      Path part = blocks.resolve(hex(id.getBytes(StandardCharsets.UTF_8)));
      if (!Files.isRegularFile(part)) {
        throw unknownBlock(id);
      }
      parts.add(part);
    }
    try {
      Path temp = committed.resolve(h + ".tmp");
      long size = 0;
      try (OutputStream out = Files.newOutputStream(temp)) {
        for (Path part : parts) {
          size += Files.copy(part, out);
        }
      }
      install(h, key(container, blob), temp);
      deleteBlocks(h);
      return size;
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  synchronized byte @Nullable [] get(String container, String blob) {
    Path file = committed.resolve(hash(key(container, blob)) + ".blob");
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      if (Files.size(file) > Integer.MAX_VALUE - 16) {
        throw FileError.storage(413, "RequestBodyTooLarge", "the blob is over 2 GiB, more than the emulator reads"
            + " at once; its file is " + file);
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  synchronized long size(String container, String blob) {
    Path file = committed.resolve(hash(key(container, blob)) + ".blob");
    try {
      return Files.isRegularFile(file) ? Files.size(file) : -1;
    } catch (IOException e) {
      throw failed(e);
    }
  }

  @Override
  synchronized List<String> names(String container) {
    TreeSet<String> names = new TreeSet<>();
    String prefix = container + "/";
    try (DirectoryStream<Path> files = Files.newDirectoryStream(committed, "*.name")) {
      for (Path file : files) {
        String name = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        if (name.startsWith(prefix)) {
          names.add(name.substring(prefix.length()));
        }
      }
    } catch (IOException e) {
      throw failed(e);
    }
    return new ArrayList<>(names);
  }

  /** Moves {@code temp} in as the blob's content, its name beside it (written first: a blob file always has one). */
  private void install(String h, String key, Path temp) throws IOException {
    Files.write(committed.resolve(h + ".name"), key.getBytes(StandardCharsets.UTF_8));
    Files.move(temp, committed.resolve(h + ".blob"), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  private void deleteBlocks(String h) throws IOException {
    Path blocks = uncommitted.resolve(h);
    if (!Files.exists(blocks)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(blocks)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static FileError failed(IOException e) {
    return FileError.storage(500, "InternalError", "the emulator's built-in storage cannot use its data dir: "
        + e.getMessage());
  }

  private static String hash(String key) {
    try {
      return hex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = HEX[bytes[i] & 0xF];
    }
    return new String(out);
  }
}
