// An IoT Hub or Blob storage error of the file upload face: status, code, number and a message without secrets.
package io.rxiothub.emulator.files.internal;

import io.rxiothub.emulator.http.HttpAnswer;
import io.rxiothub.emulator.http.HttpRoutes;
import java.nio.charset.StandardCharsets;

/** Thrown by the face's handlers and answered in the hub's JSON or storage's XML error shape. */
final class FileError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final int number;
  private final boolean storage;

  private FileError(int status, String code, int number, String message, boolean storage) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.number = number;
    this.storage = storage;
  }

  static FileError hub(int status, String code, int number, String message) {
    return new FileError(status, code, number, message, false);
  }

  static FileError badRequest(String message) {
    return hub(400, "ArgumentInvalid", 400004, message);
  }

  static FileError unauthorized(String message) {
    return hub(401, "IotHubUnauthorizedAccess", 401002, message);
  }

  /** A Blob storage error: XML {@code <Error><Code>…</Code><Message>…</Message></Error>}, {@code x-ms-error-code}. */
  static FileError storage(int status, String code, String message) {
    return new FileError(status, code, 0, message, true);
  }

  HttpAnswer answer() {
    if (!storage) {
      return HttpRoutes.error(status, code, number, String.valueOf(getMessage()));
    }
    String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>"
        + escape(String.valueOf(getMessage())) + "</Message></Error>";
    return HttpAnswer.builder().status(status).header("Content-Type", "application/xml")
        .header("x-ms-error-code", code).body(xml.getBytes(StandardCharsets.UTF_8)).build();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
