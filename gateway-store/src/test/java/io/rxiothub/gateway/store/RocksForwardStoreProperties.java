// The durable store against the model, closed and reopened from its directory in the middle of the sequence.
package io.rxiothub.gateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.lifecycle.AfterContainer;

// each try opens RocksDB once or more (tens of ms on a loaded machine): fewer tries than the memory store
@PropertyDefaults(tries = 50)
class RocksForwardStoreProperties extends ForwardStoreContract {

  private static final List<Path> DIRECTORIES = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  ForwardStore openFresh(StoreSettings settings) {
    try {
      Path dir = Files.createTempDirectory("rxiothub-store-");
      DIRECTORIES.add(dir);
      return ForwardStore.open(settings.toBuilder().directory(dir).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  ForwardStore reopen(ForwardStore store) {
    store.close();
    return ForwardStore.open(store.settings());
  }

  @AfterContainer
  static void deleteDirectories() throws IOException {
    List<Path> all;
    synchronized (DIRECTORIES) {
      all = new ArrayList<>(DIRECTORIES);
      DIRECTORIES.clear();
    }
    for (Path dir : all) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
