// Registered for every Jupiter test of every module (META-INF/services + autodetection): fails a test whose
// log output or failure message shows a key, signature or token (issue 9).
package io.rxiothub.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Copies everything written to {@code System.out} and {@code System.err} of the test JVM (where
 * slf4j-simple and logback's console appender write, both looking the stream up on every write) and
 * scans it with {@link SecretScanner} after each test and each class; also scans the messages of
 * every exception a test throws. A finding fails the test, naming the kind of secret but not the
 * secret. jqwik properties are covered by {@link SecretScanHook}.
 */
public final class SecretScanExtension implements BeforeAllCallback, AfterEachCallback,
    AfterAllCallback, TestExecutionExceptionHandler {

  private static final Object LOCK = new Object();
  private static ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private static boolean installed;

  /** Starts copying the JVM's standard streams (once per JVM). */
  public static void install() {
    synchronized (LOCK) {
      if (installed) {
        return;
      }
      installed = true;
      System.setOut(tee(System.out));
      System.setErr(tee(System.err));
    }
  }

  private static PrintStream tee(PrintStream original) {
    OutputStream copy = new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (LOCK) {
          captured.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (LOCK) {
          captured.write(b, off, len);
        }
      }

      @Override
      public void flush() {
        original.flush();
      }
    };
    return new PrintStream(copy, true);
  }

  /** Returns the secrets found in what was written since the last call, and forgets that text. */
  public static List<String> drainFindings() {
    String text;
    synchronized (LOCK) {
      text = new String(captured.toByteArray(), StandardCharsets.UTF_8);
      captured = new ByteArrayOutputStream();
    }
    return SecretScanner.find(text);
  }

  /** Throws if the captured output holds a secret. */
  static void check(String where) {
    List<String> findings = drainFindings();
    if (!findings.isEmpty()) {
      throw new AssertionError("Log output during " + where + " shows " + findings.size()
          + " secret(s) (keys, signatures or tokens must never be logged): " + findings);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
    check("the tests before " + context.getDisplayName());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    check(context.getDisplayName() + " (class level)");
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown)
      throws Throwable {
    List<String> findings = SecretScanner.find(SecretScanner.textOf(thrown));
    if (!findings.isEmpty()) {
      // The original is not attached: its message holds the secret.
      String test = context == null ? "a test" : context.getDisplayName();
      throw new AssertionError("The exception thrown by " + test
          + " shows a secret in its message: " + findings + "; its type was "
          + thrown.getClass().getName());
    }
    throw thrown;
  }
}
