package io.rxiothub.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.codehaus.mojo.animal_sniffer.SignatureChecker;
import org.codehaus.mojo.animal_sniffer.logging.PrintWriterLogger;
import org.junit.jupiter.api.Test;

/** The Android-style example uses only what Android 7.0 (API level 24) has, besides the SDK and RxJava. */
class AndroidExampleApiTest {

  @Test
  void usesOnlyApiLevel24Classes() throws Exception {
    File classes = new File(System.getProperty("android.classes", "target/android-classes"));
    File signature = new File(System.getProperty("android.signature"));
    assertThat(new File(classes, "io/rxiothub/examples/android/TelemetryService.class")).exists();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SignatureChecker checker;
    try (InputStream in = new FileInputStream(signature)) {
      checker = new SignatureChecker(in, Set.of("io.rxiothub.*", "io.reactivex.*", "org.reactivestreams.*"),
          new PrintWriterLogger(new PrintStream(log, true, StandardCharsets.UTF_8)));
    }
    checker.setSourcePath(java.util.List.of());
    checker.process(classes);

    assertThat(checker.isSignatureBroken()).as(log.toString(StandardCharsets.UTF_8)).isFalse();
  }
}
